/// A point where a test holds work it wants to catch midway, instead of sleeping and hoping:
/// the work calls ``pass(_:)`` with what it is about to do; what the gate's rule picks waits
/// there until the test releases it. The test waits for the state it needs with
/// ``wait(until:)`` (e.g. "three uploads answered and one held"), acts (kills a server,
/// revokes a session), then releases.
///
/// ```swift
/// let gate = TestGate<BackupPackAttempt> { attempt, _ in attempt.pack > 2 }
/// let options = BackupPush.Options(beforeEachPack: { attempt in
///     guard await gate.pass(attempt) else { throw CancellationError() }
/// })
/// …
/// try await gate.wait { $0.held.count == 1 }
/// await gate.release()
/// ```
public actor TestGate<Item: Sendable> {
    /// What went through the gate so far.
    public struct Tally: Sendable {
        /// Items that went on, at once or when released, in that order.
        public var passed: [Item] = []
        /// Items waiting at the gate now, in the order they came.
        public var held: [Item] = []
        /// Items turned back: released with `proceeding: false`, or their task was cancelled.
        public var turnedBack: [Item] = []
        /// Items reported done with ``TestGate/finish(_:)``.
        public var finished: [Item] = []
    }

    private struct Waiter {
        let id: Int
        let item: Item
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct Watcher {
        let id: Int
        let condition: @Sendable (Tally) -> Bool
        let continuation: CheckedContinuation<Void, any Error>
    }

    private var holds: @Sendable (Item, Tally) -> Bool
    private var waiters: [Waiter] = []
    private var watchers: [Watcher] = []
    private var nextID = 0
    /// What went through so far.
    public private(set) var tally = Tally()

    /// A gate that holds the items `holds` picks, given what went through before, and lets
    /// the others through: `{ _, tally in tally.passed.count >= 3 }` lets three through.
    public init(holding holds: @escaping @Sendable (Item, Tally) -> Bool) {
        self.holds = holds
    }

    /// Goes through with `item`: at once, or when the rule holds it, once the test releases it.
    ///
    /// - Returns: whether to go on: `false` when the test turned the item back or the calling
    ///   task was cancelled while it waited.
    public func pass(_ item: Item) async -> Bool {
        guard self.holds(item, self.tally) else {
            self.tally.passed.append(item)
            self.changed()
            return true
        }
        let id = self.newID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                self.waiters.append(Waiter(id: id, item: item, continuation: continuation))
                self.tally.held.append(item)
                self.changed()
            }
        } onCancel: {
            Task { await self.turnBack(id) }
        }
    }

    /// Notes that the work `item` guarded is done (e.g. its request was answered).
    public func finish(_ item: Item) {
        self.tally.finished.append(item)
        self.changed()
    }

    /// From now on holds what `holds` picks (`{ _, _ in false }`: nothing); what waits stays held.
    public func hold(_ holds: @escaping @Sendable (Item, Tally) -> Bool) {
        self.holds = holds
    }

    /// Lets everything that waits go on, or with `proceeding: false` turns it back.
    public func release(proceeding: Bool = true) {
        let waiters = self.waiters
        self.waiters = []
        self.tally.held = []
        for waiter in waiters {
            if proceeding {
                self.tally.passed.append(waiter.item)
            } else {
                self.tally.turnedBack.append(waiter.item)
            }
            waiter.continuation.resume(returning: proceeding)
        }
        self.changed()
    }

    /// Waits until `condition` is true of the tally.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled first (a test's time limit).
    public func wait(until condition: @escaping @Sendable (Tally) -> Bool) async throws {
        guard !condition(self.tally) else { return }
        let id = self.newID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                self.watchers.append(Watcher(id: id, condition: condition, continuation: continuation))
            }
        } onCancel: {
            Task { await self.stopWatching(id) }
        }
    }

    private func newID() -> Int {
        self.nextID += 1
        return self.nextID
    }

    private func turnBack(_ id: Int) {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = self.waiters.remove(at: index)
        self.tally.held = self.waiters.map(\.item)
        self.tally.turnedBack.append(waiter.item)
        waiter.continuation.resume(returning: false)
        self.changed()
    }

    private func stopWatching(_ id: Int) {
        guard let index = self.watchers.firstIndex(where: { $0.id == id }) else { return }
        self.watchers.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    /// Wakes the watchers whose condition now holds.
    private func changed() {
        var waiting: [Watcher] = []
        for watcher in self.watchers {
            if watcher.condition(self.tally) {
                watcher.continuation.resume()
            } else {
                waiting.append(watcher)
            }
        }
        self.watchers = waiting
    }
}
