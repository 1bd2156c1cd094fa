/// Per-account shared/exclusive access: chunk uploads share it, a prune takes it alone, so a
/// prune never deletes the blob of a chunk that an upload is recording at the same moment.
actor AccountGate {
    private struct State {
        var shared = 0
        var exclusive = false
        var waiters: [(exclusive: Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private var states: [String: State] = [:]

    /// Runs `body` with shared access to `account`.
    nonisolated func shared<T: Sendable>(_ account: String, _ body: () async throws -> T) async throws -> T {
        await self.acquire(account, exclusive: false)
        do {
            let result = try await body()
            await self.release(account, exclusive: false)
            return result
        } catch {
            await self.release(account, exclusive: false)
            throw error
        }
    }

    /// Runs `body` with exclusive access to `account`.
    nonisolated func exclusive<T: Sendable>(_ account: String, _ body: () async throws -> T) async throws -> T {
        await self.acquire(account, exclusive: true)
        do {
            let result = try await body()
            await self.release(account, exclusive: true)
            return result
        } catch {
            await self.release(account, exclusive: true)
            throw error
        }
    }

    private func acquire(_ account: String, exclusive: Bool) async {
        var state = self.states[account, default: State()]
        let free = exclusive ? (!state.exclusive && state.shared == 0) : (!state.exclusive && state.waiters.isEmpty)
        if free {
            if exclusive { state.exclusive = true } else { state.shared += 1 }
            self.states[account] = state
            return
        }
        await withCheckedContinuation { continuation in
            state.waiters.append((exclusive, continuation))
            self.states[account] = state
        }
    }

    private func release(_ account: String, exclusive: Bool) {
        guard var state = self.states[account] else { return }
        if exclusive { state.exclusive = false } else { state.shared -= 1 }
        // Wake the next exclusive waiter once no one holds it, or every shared waiter in front.
        while let next = state.waiters.first {
            if next.exclusive {
                guard state.shared == 0 && !state.exclusive else { break }
                state.exclusive = true
                state.waiters.removeFirst()
                next.continuation.resume()
                break
            }
            guard !state.exclusive else { break }
            state.shared += 1
            state.waiters.removeFirst()
            next.continuation.resume()
        }
        if state.shared == 0 && !state.exclusive && state.waiters.isEmpty {
            self.states[account] = nil
        } else {
            self.states[account] = state
        }
    }
}
