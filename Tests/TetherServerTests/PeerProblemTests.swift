import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherSync
import TetherTesting

/// What a peer region answers is passed on by its code, not its words.
@Suite struct PeerProblemTests {
    @Test func aPeersProblemTextNeverReachesTheClient() async throws {
        // Finding 7: a peer's problem detail (here one that leaks its database) was passed on as it was.
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("/**", method: method) { _, _ -> Response in
                let leak =
                    #"{"type":"https://tether.dev/problems/invalid_field","title":"Bad Request","#
                    + #""code":"invalid_field","field":"email","status":400,"#
                    + #""detail":"SQLITE_CONSTRAINT: UNIQUE constraint failed: directory.email_hash"}"#
                return Response(
                    status: .badRequest,
                    headers: [.contentType: "application/problem+json"],
                    body: .init(byteBuffer: ByteBuffer(string: leak))
                )
            }
        }
        let peer = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await peer.test(.live) { peerClient in
            let peerPort = try #require(peerClient.port)
            let file = try RegionDirectoryFile.write([
                .init(id: "eu", port: 9, group: "eu"), .init(id: "us", port: peerPort, group: "us"),
            ])
            var config = ServerConfig.testing
            config.region = RegionID(rawValue: "eu")!
            config.regions = try RegionDirectory.load(from: file)
            try await TestServer.withRunning(config: config) { server in
                let problem = try await #require(throws: (any Error).self) { try await server.register() }
                let answered = try #require(TetherClientFailure.problem(problem))
                #expect(answered.code == "invalid_field")
                #expect(answered.problem.field == "email")
                let detail = answered.problem.detail ?? ""
                #expect(detail.contains("us"))
                #expect(!detail.contains("SQLITE") && !detail.contains("directory.email_hash"), "\(detail)")
            }
        }
    }
}
