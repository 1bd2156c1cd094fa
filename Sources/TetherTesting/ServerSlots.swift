/// A bound on how many ``TestServer``s run at once in one test process.
///
/// Swift Testing starts every test at once and lets them interleave while they wait, so without
/// a bound a full run holds about two hundred servers open together, each with its SQLite
/// connections and sockets: close to 3,000 descriptors. Past about 1,360 of them Foundation's
/// `Process.run()` on Linux over-reads its scan of `/proc/self/fd` and can crash the whole test
/// process (swift-corelibs-foundation#5472), which the CLI tests hit when they spawn `tether`.
///
/// A server started inside another's body (a restart, a second region) runs in its parent's slot,
/// so nested servers never wait for themselves.
actor ServerSlots {
    /// The slots every ``TestServer`` shares.
    static let shared = ServerSlots(count: 16)

    /// Whether the current task already holds a slot.
    @TaskLocal static var isHeld = false

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) {
        self.free = count
    }

    /// Runs `body` in a slot, waiting for one when all are taken.
    static func withSlot<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        if Self.isHeld { return try await body() }
        await Self.shared.acquire()
        do {
            let result = try await Self.$isHeld.withValue(true) { try await body() }
            await Self.shared.release()
            return result
        } catch {
            await Self.shared.release()
            throw error
        }
    }

    private func acquire() async {
        if self.free > 0 {
            self.free -= 1
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }
    }

    private func release() {
        if self.waiting.isEmpty {
            self.free += 1
        } else {
            self.waiting.removeFirst().resume()
        }
    }
}
