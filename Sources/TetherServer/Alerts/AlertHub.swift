import Foundation
public import ServiceLifecycle
public import TetherCore

/// A change to an alert that watchers are told about.
public struct AlertNotification: Sendable, Hashable {
    /// What happened, as the stream's `event:` names it.
    public enum Event: String, Sendable, Hashable {
        /// A new alert (suppressed ones included).
        case alert
        /// A lost device still unacknowledged: same alert, higher repeat count.
        case repeated = "repeat"
        /// The episode ended.
        case ended
        /// A suppressed alert whose silencer lapsed while the episode was open: told now.
        case unsuppressed
    }

    public var event: Event
    public var alert: Alert
}

/// Fans alert notifications out to the live streams of each account.
///
/// A subscriber gets the notifications of its account from the moment it subscribed, in the
/// order they were published (a consumer 1,000 behind loses the oldest), and a keep-alive tick
/// every ``keepAliveInterval``. When the server
/// shuts down gracefully every stream finishes, so open `GET /v1/alerts/stream` requests end and
/// do not hold the shutdown up.
public actor AlertHub: Service {
    /// What a subscriber receives.
    public enum Message: Sendable, Hashable {
        case notification(AlertNotification)
        /// Nothing happened for a while; streams send a comment to keep the connection open.
        case keepAlive
    }

    private var subscribers: [AccountID: [UUID: AsyncStream<Message>.Continuation]] = [:]
    private let keepAliveInterval: Duration

    /// Creates a hub.
    public init(keepAliveInterval: Duration = .seconds(15)) {
        self.keepAliveInterval = keepAliveInterval
    }

    /// The account's notifications from now on, until the consumer stops or the server stops;
    /// it opens with a keep-alive.
    public func subscribe(account: AccountID) -> AsyncStream<Message> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: Message.self, bufferingPolicy: .bufferingNewest(1_000))
        continuation.onTermination = { _ in
            Task { await self.unsubscribe(account: account, id: id) }
        }
        self.subscribers[account, default: [:]][id] = continuation
        // The first bytes go out at once, so a client knows it is subscribed.
        continuation.yield(.keepAlive)
        return stream
    }

    /// Sends `notification` to every subscriber of its account.
    public func publish(_ notification: AlertNotification) {
        for continuation in self.subscribers[notification.alert.account]?.values ?? [:].values {
            continuation.yield(.notification(notification))
        }
    }

    /// How many streams are open for `account` (tests wait on it).
    public func subscriberCount(account: AccountID) -> Int {
        self.subscribers[account]?.count ?? 0
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.keepAliveInterval)
                await self.sendKeepAlive()
            }
        }
        self.finishAll()
    }

    private func sendKeepAlive() {
        for continuation in self.subscribers.values.flatMap(\.values) {
            continuation.yield(.keepAlive)
        }
    }

    private func finishAll() {
        for continuation in self.subscribers.values.flatMap(\.values) {
            continuation.finish()
        }
        self.subscribers = [:]
    }

    private func unsubscribe(account: AccountID, id: UUID) {
        self.subscribers[account]?[id] = nil
        if self.subscribers[account]?.isEmpty == true { self.subscribers[account] = nil }
    }
}
