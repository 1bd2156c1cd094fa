import Synchronization
import TetherCore
public import TetherStore

/// The webhook attempts under way, each its own task: at most ``perAccount`` of one account's
/// and ``total`` in all. A pass of the deliverer starts what is due and has room, and waits for
/// none of it, so an account whose receiver never answers holds up only its own deliveries.
///
/// ```swift
/// let flights = WebhookFlights(perAccount: 2, total: 64)
/// flights.start(delivery) { await deliverer.attempt(delivery) }  // false: under way or no room
/// await flights.settle()  // every attempt under way now has finished
/// ```
public final class WebhookFlights: Sendable {
    /// Attempts of one account at once.
    public let perAccount: Int
    /// Attempts at once in all.
    public let total: Int
    private let state = Mutex(State())

    private struct State {
        var tasks: [AlertID: Task<Void, Never>] = [:]
        var perAccount: [AccountID: Int] = [:]
        /// Attempts that ended since the current pass began: the queue the pass read may still
        /// list them as due (a delivery completed meanwhile would be posted twice).
        var endedDuringPass: Set<AlertID> = []
        var closed = false
    }

    /// Flights of at most `perAccount` attempts per account and `total` in all.
    public init(perAccount: Int, total: Int) {
        self.perAccount = perAccount
        self.total = total
    }

    /// Marks the start of a pass, before it reads the due deliveries: attempts that end from
    /// now on are not started again by this pass.
    public func beginPass() {
        self.state.withLock { $0.endedDuringPass.removeAll() }
    }

    /// Starts `attempt` for `delivery` in a task of its own, unless it is under way already,
    /// its attempt ended since the pass began (``beginPass()``), its account has ``perAccount``
    /// under way, ``total`` are, or ``cancelAll()`` was called.
    ///
    /// - Returns: Whether it started.
    @discardableResult
    public func start(_ delivery: WebhookDelivery, _ attempt: @escaping @Sendable () async -> Void) -> Bool {
        let id = delivery.alert.id
        let account = delivery.alert.account
        return self.state.withLock { state in
            guard !state.closed, state.tasks[id] == nil, !state.endedDuringPass.contains(id),
                state.tasks.count < self.total, state.perAccount[account, default: 0] < self.perAccount
            else { return false }
            state.perAccount[account, default: 0] += 1
            // The task's own removal waits for this lock, so it always finds its entry.
            state.tasks[id] = Task {
                await attempt()
                self.finished(id, account: account)
            }
            return true
        }
    }

    private func finished(_ id: AlertID, account: AccountID) {
        self.state.withLock { state in
            state.tasks[id] = nil
            state.endedDuringPass.insert(id)
            let left = state.perAccount[account, default: 1] - 1
            state.perAccount[account] = left > 0 ? left : nil
        }
    }

    /// How many attempts are under way.
    public var count: Int {
        self.state.withLock { $0.tasks.count }
    }

    /// Waits for every attempt under way now (not those started meanwhile).
    public func settle() async {
        for task in self.state.withLock({ Array($0.tasks.values) }) {
            await task.value
        }
    }

    /// Starts nothing more, cancels the attempts under way and waits for them to end.
    public func cancelAll() async {
        let tasks = self.state.withLock { state in
            state.closed = true
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
