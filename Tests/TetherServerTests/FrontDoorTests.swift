import Foundation
import Testing
import TetherCore
import TetherServer
import TetherTesting

/// Limits before work: bodies refused before they are read, a cap on the bytes held across
/// requests and on connections, and connections of idle or slow clients closed.
@Suite struct FrontDoorTests {
    @Test func anUnauthenticatedLargeBodyIsRefusedBeforeItIsRead() async throws {
        // Finding 1: 200 MB to adopt without a credential used to be collected, then decoded.
        try await TestServer.withRunning { server in
            let user = try await server.register()
            for token in [nil, user.accessToken] {
                let connection = try await RawConnection.open(port: server.port)
                var headers = ["Content-Type": "application/json", "Content-Length": "\(200 << 20)"]
                headers["Authorization"] = token.map { "Bearer \($0)" }
                try await connection.send(
                    RawConnection.head("POST", "/v1/replication/accounts/adopt", headers) + "{\"accounts\":"
                )
                // The answer comes while 200 MB are still unsent: nothing waited for them.
                let response = try await connection.responseHead()
                #expect(response.hasPrefix("HTTP/1.1 401"), "\(response)")
                await connection.close()
            }
        }
    }

    @Test func aLargeBodyRouteTakesMoreOnlyFromItsCredential() async throws {
        try await TestServer.withRunning { server in
            let user = try await server.register()
            let twoMiB = 2 << 20
            // Without a session: refused before the body, like any route past --max-body-bytes.
            let anonymous = try await RawConnection.open(port: server.port)
            try await anonymous.send(
                RawConnection.head(
                    "POST",
                    "/v1/backup/snapshots",
                    ["Content-Length": "\(twoMiB)", "Content-Type": "application/json"]
                )
            )
            #expect(try await anonymous.responseHead().hasPrefix("HTTP/1.1 401"))
            await anonymous.close()
            // With one: the body is read and judged by the route, not by the size limit.
            let signedIn = try await RawConnection.open(port: server.port)
            try await signedIn.send(
                RawConnection.head(
                    "POST",
                    "/v1/backup/snapshots",
                    [
                        "Content-Length": "\(twoMiB)", "Content-Type": "application/json",
                        "Authorization": "Bearer \(user.accessToken)",
                    ]
                )
            )
            try await signedIn.send([UInt8](repeating: UInt8(ascii: " "), count: twoMiB))
            let response = try await signedIn.responseHead()
            #expect(!response.hasPrefix("HTTP/1.1 413") && !response.hasPrefix("HTTP/1.1 401"), "\(response)")
            await signedIn.close()
            // A route that is not a large-body route keeps --max-body-bytes, whoever asks.
            let other = try await RawConnection.open(port: server.port)
            try await other.send(
                RawConnection.head(
                    "PUT",
                    "/v1/rules",
                    ["Content-Length": "\(twoMiB)", "Authorization": "Bearer \(user.accessToken)"]
                )
            )
            #expect(try await other.responseHead().hasPrefix("HTTP/1.1 413"))
            await other.close()
        }
    }

    @Test func bodiesBeyondTheBytesInFlightCapAreTurnedAwayWithRetryAfter() async throws {
        var config = ServerConfig.testing
        config.maxBodyBytes = 64 << 10
        config.maxBytesInFlight = 100 << 10
        // The held body pauses for as long as the test takes, however loaded the machine.
        config.readTimeout = .seconds(3_600)
        try await TestServer.withRunning(config: config) { server in
            let size = 60 << 10
            let headers = ["Content-Length": "\(size)", "Content-Type": "application/json"]
            // One body held half-sent: its 60 KiB are reserved until it ends.
            let holding = try await RawConnection.open(port: server.port)
            try await holding.send(
                RawConnection.head("POST", "/v1/accounts", headers) + String(repeating: " ", count: size / 2)
            )
            // Another 60 KiB does not fit beside it: once the first has reserved, the next is refused.
            let refusal = try await Poll.value("a second body is refused") { () -> String? in
                let connection = try await RawConnection.open(port: server.port)
                defer { Task { await connection.close() } }
                try await connection.send(
                    RawConnection.head("POST", "/v1/accounts", headers) + String(repeating: " ", count: size)
                )
                let response = try await connection.responseHead()
                return response.hasPrefix("HTTP/1.1 503") ? response : nil
            }
            #expect(refusal.lowercased().contains("retry-after: 1"))
            // When the first ends, there is room again.
            try await holding.send(String(repeating: " ", count: size - size / 2))
            #expect(try await holding.responseHead().hasPrefix("HTTP/1.1 400"))
            await holding.close()
            let later = try await RawConnection.open(port: server.port)
            try await later.send(
                RawConnection.head("POST", "/v1/accounts", headers) + String(repeating: " ", count: size)
            )
            #expect(try await later.responseHead().hasPrefix("HTTP/1.1 400"))
            await later.close()
        }
    }

    @Test func connectionsBeyondTheCapWaitUntilOneCloses() async throws {
        var config = ServerConfig.testing
        config.maxConnections = 2
        // The held connections sit idle for as long as the test takes, however loaded the machine.
        config.idleTimeout = .seconds(3_600)
        try await TestServer.withRunning(config: config) { server in
            let health = RawConnection.head("GET", "/health", [:])
            let first = try await RawConnection.open(port: server.port)
            let second = try await RawConnection.open(port: server.port)
            for connection in [first, second] {
                try await connection.send(health)
                #expect(try await connection.responseHead().hasPrefix("HTTP/1.1 200"))
            }
            let third = try await RawConnection.open(port: server.port)
            try await third.send(health)
            // The server answers the second again, so it has handled what arrived meanwhile;
            // the third, past the cap, is still not accepted.
            try await second.send(health)
            try await Poll.until("the second answers again") {
                second.received.components(separatedBy: "HTTP/1.1 200").count == 3
            }
            #expect(third.received.isEmpty)
            await first.close()
            #expect(try await third.responseHead().hasPrefix("HTTP/1.1 200"))
            await second.close()
            await third.close()
        }
    }

    @Test func aSlowSenderIsCutOff() async throws {
        var config = ServerConfig.testing
        config.readTimeout = .milliseconds(300)
        try await TestServer.withRunning(config: config) { server in
            // Half a head, then nothing.
            let head = try await RawConnection.open(port: server.port)
            try await head.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            try await head.waitUntilClosed()
            #expect(head.received.isEmpty)
            // A whole head, half a body, then nothing.
            let body = try await RawConnection.open(port: server.port)
            try await body.send(RawConnection.head("POST", "/v1/accounts", ["Content-Length": "100"]) + "{\"email\":")
            try await body.waitUntilClosed()
            #expect(body.received.isEmpty)
        }
    }

    @Test func anIdleConnectionIsClosed() async throws {
        var config = ServerConfig.testing
        config.idleTimeout = .milliseconds(300)
        try await TestServer.withRunning(config: config) { server in
            // On a loaded machine the new connection may sit idle too long before its first
            // request and be closed already: try again until one is answered.
            let connection = try await Poll.value("a request is answered") { () -> RawConnection? in
                let connection = try await RawConnection.open(port: server.port)
                guard (try? await connection.send(RawConnection.head("GET", "/health", [:]))) != nil,
                    try await connection.responseHead().hasPrefix("HTTP/1.1 200")
                else { return nil }
                return connection
            }
            try await connection.waitUntilClosed()
        }
    }
}
