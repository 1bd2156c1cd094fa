import Testing
import TetherTesting

/// The gate the backup tests hold pushes at: what it holds waits until released, a cancelled
/// waiter is turned back, and waiting for a state ends when the state is reached.
struct TestGateTests {
    @Test func itHoldsWhatItsRulePicksUntilReleased() async throws {
        let gate = TestGate<Int> { item, _ in item > 1 }
        #expect(await gate.pass(1))
        let second = Task { await gate.pass(2) }
        let third = Task { await gate.pass(3) }
        try await gate.wait { $0.held.count == 2 }
        #expect(await gate.tally.passed == [1])
        await gate.release()
        #expect(await second.value)
        #expect(await third.value)
        #expect(await gate.tally.passed.sorted() == [1, 2, 3])
        #expect(await gate.tally.held.isEmpty)
    }

    @Test func aWaiterIsTurnedBackWhenReleasedSoOrCancelled() async throws {
        let gate = TestGate<Int> { _, _ in true }
        let refused = Task { await gate.pass(1) }
        let cancelled = Task { await gate.pass(2) }
        try await gate.wait { $0.held.count == 2 }
        cancelled.cancel()
        #expect(await !cancelled.value)
        await gate.release(proceeding: false)
        #expect(await !refused.value)
        #expect(await gate.tally.turnedBack.sorted() == [1, 2])
        #expect(await gate.tally.passed.isEmpty)
    }

    @Test func waitingEndsWithItsTaskCancelled() async {
        let gate = TestGate<Int> { _, _ in true }
        let waiting = Task { try await gate.wait { $0.finished.count == 1 } }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await gate.finish(1)
        #expect(await gate.tally.finished == [1])
    }
}
