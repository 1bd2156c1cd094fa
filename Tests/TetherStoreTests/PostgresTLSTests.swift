import Foundation
import Testing
import TetherStorePostgres
import TetherTesting

/// TLS to the database: `sslmode=verify-full` with `--database-ca-file` checks the server's
/// certificate and host; a server signed by another CA, or a client that does not speak TLS to a
/// TLS-only server, does not get in. The cluster is the test's own, serving TLS only.
@Suite(.enabled(if: PostgresTestCluster.isAvailable, "needs the test command's PostgreSQL"))
struct PostgresTLSTests {
    @Test func verifyFullTrustsTheCAFileAndNothingElse() async throws {
        let certificates = try await TestCertificates.make()
        let stranger = try await TestCertificates.make()
        defer {
            TemporaryDirectory.remove(certificates.directory)
            TemporaryDirectory.remove(stranger.directory)
        }
        try await PrivatePostgresCluster.withCluster(tls: certificates) { cluster in
            let server = "postgres://\(cluster.location.user)@127.0.0.1:\(cluster.location.port)/postgres"

            // TLS handshakes in a debug build of BoringSSL on a loaded machine can take seconds
            // each: the stores that get in wait up to a minute for a connection, not 5 s.
            let verified = try await PostgresStore.open(
                PostgresStoreConfiguration(
                    location: try PostgresLocation(url: server + "?sslmode=verify-full"),
                    caFile: certificates.caCertificate,
                    poolSize: 2,
                    connectionWait: .seconds(60)
                )
            )
            try await verified.ping()
            try verified.close()

            let required = try await PostgresStore.open(
                PostgresStoreConfiguration(
                    location: try PostgresLocation(url: server + "?sslmode=require"),
                    poolSize: 2,
                    connectionWait: .seconds(60)
                )
            )
            try await required.ping()
            try required.close()

            let otherCA = await #expect(throws: PostgresStoreError.self) {
                _ = try await PostgresStore.open(
                    PostgresStoreConfiguration(
                        location: try PostgresLocation(url: server + "?sslmode=verify-full"),
                        caFile: stranger.caCertificate
                    )
                )
            }
            #expect(otherCA?.description.contains("sslmode=verify-full") == true)

            await #expect(throws: PostgresStoreError.self) {
                _ = try await PostgresStore.open(
                    PostgresStoreConfiguration(location: try PostgresLocation(url: server + "?sslmode=disable"))
                )
            }
        }
    }
}
