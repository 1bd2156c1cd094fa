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

    /// One open stream.
    private struct Subscriber {
        let session: SessionID
        let continuation: AsyncStream<Message>.Continuation
    }

    private var subscribers: [AccountID: [UUID: Subscriber]] = [:]
    private let keepAliveInterval: Duration

    /// Creates a hub.
    public init(keepAliveInterval: Duration = .seconds(15)) {
        self.keepAliveInterval = keepAliveInterval
    }

    /// The account's notifications from now on, until the consumer stops, the server stops or
    /// the stream is ended (``endStreams(session:)``, ``endStreams(account:)``); it opens with a
    /// keep-alive.
    ///
    /// - Parameters:
    ///   - session: The session that opened the stream; the stream ends with it.
    ///   - limit: Streams the account may have open at once. A client that went away counts
    ///     until the server next writes to it (a keep-alive at the latest).
    /// - Throws: ``TetherError/tooManyStreams(limit:)`` when the account has `limit` open.
    public func subscribe(
        account: AccountID,
        session: SessionID,
        limit: Int
    ) throws(TetherError) -> AsyncStream<Message> {
        guard self.subscriberCount(account: account) < limit else { throw .tooManyStreams(limit: limit) }
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: Message.self, bufferingPolicy: .bufferingNewest(1_000))
        continuation.onTermination = { _ in
            Task { await self.unsubscribe(account: account, id: id) }
        }
        self.subscribers[account, default: [:]][id] = Subscriber(session: session, continuation: continuation)
        // The first bytes go out at once, so a client knows it is subscribed.
        continuation.yield(.keepAlive)
        return stream
    }

    /// Ends every stream `session` opened (the session was revoked or expired).
    public func endStreams(session: SessionID) {
        for (account, streams) in self.subscribers {
            for (id, subscriber) in streams where subscriber.session == session {
                subscriber.continuation.finish()
                self.subscribers[account]?[id] = nil
            }
            if self.subscribers[account]?.isEmpty == true { self.subscribers[account] = nil }
        }
    }

    /// Ends every stream of `account` (it was deleted, or moved away).
    public func endStreams(account: AccountID) {
        for subscriber in self.subscribers[account]?.values ?? [:].values {
            subscriber.continuation.finish()
        }
        self.subscribers[account] = nil
    }

    /// The sessions that have streams open.
    public func streamingSessions() -> Set<SessionID> {
        Set(self.subscribers.values.flatMap { $0.values.map(\.session) })
    }

    /// Sends `notification` to every subscriber of its account.
    public func publish(_ notification: AlertNotification) {
        for subscriber in self.subscribers[notification.alert.account]?.values ?? [:].values {
            subscriber.continuation.yield(.notification(notification))
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
        for subscriber in self.subscribers.values.flatMap(\.values) {
            subscriber.continuation.yield(.keepAlive)
        }
    }

    private func finishAll() {
        for subscriber in self.subscribers.values.flatMap(\.values) {
            subscriber.continuation.finish()
        }
        self.subscribers = [:]
    }

    private func unsubscribe(account: AccountID, id: UUID) {
        self.subscribers[account]?[id] = nil
        if self.subscribers[account]?.isEmpty == true { self.subscribers[account] = nil }
    }
}
