import Synchronization
import TetherCore
import TetherStore

/// The webhook attempts under way, each its own task: at most ``perAccount`` of one account's
/// and ``total`` in all. A pass of the deliverer starts what is due and has room, and waits for
/// none of it, so an account whose receiver never answers holds up only its own deliveries.
///
/// ```swift
/// let flights = WebhookFlights(perAccount: 2, total: 64)
/// flights.start(delivery) { await deliverer.attempt(delivery) }  // false: under way or no room
/// await flights.settle()  // every attempt under way now has finished
/// ```
final class WebhookFlights: Sendable {
    /// Attempts of one account at once.
    let perAccount: Int
    /// Attempts at once in all.
    let total: Int
    private let state = Mutex(State())

    private struct State {
        var tasks: [AlertID: Task<Void, Never>] = [:]
        var perAccount: [AccountID: Int] = [:]
        var closed = false
    }

    init(perAccount: Int, total: Int) {
        self.perAccount = perAccount
        self.total = total
    }

    /// Starts `attempt` for `delivery` in a task of its own, unless it is under way already,
    /// its account has ``perAccount`` under way, ``total`` are, or ``cancelAll()`` was called.
    ///
    /// - Returns: Whether it started.
    @discardableResult
    func start(_ delivery: WebhookDelivery, _ attempt: @escaping @Sendable () async -> Void) -> Bool {
        let id = delivery.alert.id
        let account = delivery.alert.account
        return self.state.withLock { state in
            guard !state.closed, state.tasks[id] == nil, state.tasks.count < self.total,
                state.perAccount[account, default: 0] < self.perAccount
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
            let left = state.perAccount[account, default: 1] - 1
            state.perAccount[account] = left > 0 ? left : nil
        }
    }

    /// How many attempts are under way.
    var count: Int {
        self.state.withLock { $0.tasks.count }
    }

    /// Waits for every attempt under way now (not those started meanwhile).
    func settle() async {
        for task in self.state.withLock({ Array($0.tasks.values) }) {
            await task.value
        }
    }

    /// Starts nothing more, cancels the attempts under way and waits for them to end.
    func cancelAll() async {
        let tasks = self.state.withLock { state in
            state.closed = true
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
