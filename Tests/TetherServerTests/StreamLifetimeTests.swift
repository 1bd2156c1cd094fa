import Foundation
import Testing
import TetherAPI
import TetherCore
import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherTesting

/// Alert streams end with their session, and one account may hold only so many.
@Suite struct StreamLifetimeTests {
    @Test func aStreamEndsWhenItsSessionSignsOut() async throws {
        // Finding 5: a stream opened with a token kept streaming after `tether account logout`.
        try await TestServer.withRunning { server in
            let user = try await server.register()
            let reader = AlertStreamReader()
            try await reader.open(server, token: user.accessToken)
            _ = try await user.client.signOut().noContent
            try await Poll.until("the stream ends") { await !reader.isOpen }
        }
    }

    @Test func aStreamEndsWhenItsAccountIsDeleted() async throws {
        try await TestServer.withRunning { server in
            let user = try await server.register()
            let other = try await server.signIn(user.email)
            let reader = AlertStreamReader()
            try await reader.open(server, token: other.accessToken)
            _ = try await user.client.deleteAccount().ok
            try await Poll.until("the stream ends") { await !reader.isOpen }
        }
    }

    @Test func aStreamEndsWhenItsSessionIsRevokedElsewhereOrExpires() async throws {
        let clock = ManualClock(start: Date())
        var config = ServerConfig.testing(clock: clock)
        config.jobClock = SteppedClock()
        try await TestServer.withRunning(config: config) { server in
            let user = try await server.register()
            let kept = try await server.signIn(user.email)
            let revoked = AlertStreamReader()
            try await revoked.open(server, token: user.accessToken)
            let expiring = AlertStreamReader()
            try await expiring.open(server, token: kept.accessToken)
            // Another server sharing the database signs the first session out: its store only.
            let store = try SQLiteStore.open(directory: server.dataDirectory)
            let session = try #require(
                try await store.session(accessTokenHash: SecretToken.digest(of: user.accessToken))
            )
            try await store.deleteSession(id: session.id)
            try store.close()
            try await server.jobs.runOnce(.streamCheck)
            try await Poll.until("the revoked session's stream ends") { await !revoked.isOpen }
            #expect(await expiring.isOpen)
            // The other session lives until its refresh token expires.
            // (A second past it: the database keeps times to the millisecond.)
            clock.advance(by: config.refreshTokenLifetime + .seconds(1))
            try await server.jobs.runOnce(.streamCheck)
            try await Poll.until("the expired session's stream ends") { await !expiring.isOpen }
        }
    }

    @Test func anAccountMayHoldOnlySoManyStreams() async throws {
        var config = ServerConfig.testing
        config.maxStreamsPerAccount = 2
        config.streamKeepAliveInterval = .milliseconds(100)
        try await TestServer.withRunning(config: config) { server in
            let user = try await server.register()
            let other = try await server.register("bob@example.org")
            /// Opens a stream as the holder of `token` and returns the connection and the answer's head.
            func stream(_ token: String) async throws -> (RawConnection, String) {
                let connection = try await RawConnection.open(port: server.port)
                try await connection.send(
                    RawConnection.head("GET", "/v1/alerts/stream", ["Authorization": "Bearer \(token)"])
                )
                return (connection, try await connection.responseHead())
            }
            let (first, firstHead) = try await stream(user.accessToken)
            let (second, secondHead) = try await stream(user.accessToken)
            #expect(firstHead.hasPrefix("HTTP/1.1 200") && secondHead.hasPrefix("HTTP/1.1 200"))
            let (third, thirdHead) = try await stream(user.accessToken)
            #expect(thirdHead.hasPrefix("HTTP/1.1 429"), "\(thirdHead)")
            #expect(third.received.contains("too_many_streams"))
            await third.close()
            // Another account is not held to this one's streams.
            let (bobs, bobsHead) = try await stream(other.accessToken)
            #expect(bobsHead.hasPrefix("HTTP/1.1 200"))
            await bobs.close()
            // A client that goes away frees its place (at the next keep-alive, which finds it gone).
            await first.close()
            let (again, againHead) = try await Poll.value("a stream opens in the freed place") {
                () -> (RawConnection, String)? in
                let (connection, head) = try await stream(user.accessToken)
                if head.hasPrefix("HTTP/1.1 200") { return (connection, head) }
                await connection.close()
                return nil
            }
            #expect(againHead.hasPrefix("HTTP/1.1 200"))
            await again.close()
            await second.close()
        }
    }
}
