import ArgumentParser
import Foundation
import TetherCore
import TetherServer

/// The settings flags of `tetherd`, each also read from `TETHER_*` and the config file.
struct ServerOptions: ParsableArguments {
    @Option(help: "A JSON config file of settings (env: TETHER_CONFIG).")
    var config: String?

    @Option(help: "Listen address (env: TETHER_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Listen port, 0 for any free one (env: TETHER_PORT; default 8080).")
    var port: String?

    @Option(help: "This server's region id (env: TETHER_REGION; default local).")
    var region: String?

    @Option(help: "The region directory file, JSON (env: TETHER_REGIONS; default: this region alone).")
    var regions: String?

    @Option(
        name: .customLong("data-dir"),
        help:
            "Directory for keys, backup blobs and the default SQLite database (env: TETHER_DATA_DIR; default ./tether-data)."
    )
    var dataDirectory: String?

    @Option(
        help: """
            sqlite:PATH or postgres://user@host:port/database?sslmode=disable|prefer|require|verify-full \
            (env: TETHER_DATABASE; default sqlite:<data-dir>/tether.sqlite). The password comes from \
            TETHER_DATABASE_PASSWORD or --database-password-file, never from this URL.
            """
    )
    var database: String?

    @Option(
        name: .customLong("database-ca-file"),
        help: "PEM CA file for sslmode=verify-full (env: TETHER_DATABASE_CA_FILE)."
    )
    var databaseCAFile: String?

    @Option(
        name: .customLong("database-password-file"),
        help: "File holding the PostgreSQL password (env: TETHER_DATABASE_PASSWORD_FILE)."
    )
    var databasePasswordFile: String?

    @Option(
        name: .customLong("database-pool-size"),
        help: "Most PostgreSQL connections (env: TETHER_DATABASE_POOL_SIZE; default 16)."
    )
    var databasePoolSize: String?

    @Flag(
        name: .customLong("no-migrate"),
        help:
            "Refuse to start on a schema with pending migrations instead of applying them (env: TETHER_NO_MIGRATE=true)."
    )
    var noMigrate = false

    @Option(
        name: .customLong("pairing-code-ttl"),
        help: "Pairing code lifetime (env: TETHER_PAIRING_CODE_TTL; default 10m)."
    )
    var pairingCodeTTL: String?

    @Option(
        name: .customLong("pairing-rate-limit"),
        help: "Pairing codes per account per hour (env: TETHER_PAIRING_RATE_LIMIT; default 10)."
    )
    var pairingRateLimit: String?

    @Option(
        name: .customLong("bcrypt-cost"),
        help:
            "Password hashing cost, 10-31, or 4-31 with --insecure-fast-password-hashing (env: TETHER_BCRYPT_COST; default 12)."
    )
    var bcryptCost: String?

    @Option(
        name: .customLong("access-token-ttl"),
        help: "Access token lifetime (env: TETHER_ACCESS_TOKEN_TTL; default 1h)."
    )
    var accessTokenTTL: String?

    @Option(
        name: .customLong("refresh-token-ttl"),
        help: "Refresh token lifetime (env: TETHER_REFRESH_TOKEN_TTL; default 30d)."
    )
    var refreshTokenTTL: String?

    @Option(
        name: .customLong("sign-in-failure-limit"),
        help:
            "Failed sign-ins per email and address within the window before refusing (env: TETHER_SIGN_IN_FAILURE_LIMIT; default 5)."
    )
    var signInFailureLimit: String?

    @Option(
        name: .customLong("sign-in-failure-window"),
        help: "Window for counting failed sign-ins (env: TETHER_SIGN_IN_FAILURE_WINDOW; default 15m)."
    )
    var signInFailureWindow: String?

    @Option(
        name: .customLong("claim-failure-limit"),
        help:
            "Wrong pairing codes per client address within the window before refusing (env: TETHER_CLAIM_FAILURE_LIMIT; default 10)."
    )
    var claimFailureLimit: String?

    @Option(
        name: .customLong("claim-failure-window"),
        help: "Window for counting wrong pairing codes (env: TETHER_CLAIM_FAILURE_WINDOW; default 10m)."
    )
    var claimFailureWindow: String?

    @Option(
        name: .customLong("max-body-bytes"),
        help: "Largest request body (env: TETHER_MAX_BODY_BYTES; default 1048576)."
    )
    var maxBodyBytes: String?

    @Option(
        name: .customLong("ts-max-past"),
        help: "Oldest telemetry time accepted, or off (env: TETHER_TS_MAX_PAST; default 30d)."
    )
    var timestampMaxPast: String?

    @Option(
        name: .customLong("ts-max-future"),
        help: "Newest telemetry time accepted, or off (env: TETHER_TS_MAX_FUTURE; default 5m)."
    )
    var timestampMaxFuture: String?

    @Option(
        name: .customLong("telemetry-retention"),
        help: "How long raw telemetry is kept (env: TETHER_TELEMETRY_RETENTION; default 90d)."
    )
    var telemetryRetention: String?

    @Option(
        name: .customLong("aggregate-retention"),
        help: "How long daily aggregates are kept, at most 730d (env: TETHER_AGGREGATE_RETENTION; default 730d)."
    )
    var aggregateRetention: String?

    @Option(
        name: .customLong("directory-sync-interval"),
        help:
            "How often the account directory is reconciled with peers (env: TETHER_DIRECTORY_SYNC_INTERVAL; default 30s)."
    )
    var directorySyncInterval: String?

    @Option(
        name: .customLong("directory-tombstone-retention"),
        help:
            "How long deleted accounts' directory tombstones are kept (env: TETHER_DIRECTORY_TOMBSTONE_RETENTION; default 30d)."
    )
    var directoryTombstoneRetention: String?

    @Option(
        name: .customLong("peer-timeout"),
        help: "How long a call to a peer region may take (env: TETHER_PEER_TIMEOUT; default 5s)."
    )
    var peerTimeout: String?

    @Option(
        name: .customLong("move-deadline"),
        help:
            "How long a move's target may take to take an account in before refusing (env: TETHER_MOVE_DEADLINE; default 60s)."
    )
    var moveDeadline: String?

    @Option(
        name: .customLong("move-check-interval"),
        help: "How often a move in doubt is asked about (env: TETHER_MOVE_CHECK_INTERVAL; default 10s)."
    )
    var moveCheckInterval: String?

    @Option(
        help:
            "process-crash or power-loss: what an acknowledged write survives (env: TETHER_DURABILITY; default process-crash)."
    )
    var durability: String?

    @Option(
        help: "What now is for silence and repeats: wall or event-time (env: TETHER_CLOCK; default wall)."
    )
    var clock: String?

    @Option(
        name: .customLong("webhook-targets"),
        help: "public (https to public addresses only) or any (env: TETHER_WEBHOOK_TARGETS; default public)."
    )
    var webhookTargets: String?

    @Option(
        name: .customLong("kek-file"),
        help: "The key-encryption key file for backups (env: TETHER_KEK_FILE; default <data-dir>/keys/region.kek)."
    )
    var kekFile: String?

    @Option(
        name: .customLong("peer-ca-file"),
        help: "PEM CA certificates trusted for https peer regions (env: TETHER_PEER_CA_FILE; default: the system's)."
    )
    var peerCAFile: String?

    @Option(
        name: .customLong("region-key"),
        help: "This region's key file (env: TETHER_REGION_KEY; default <data-dir>.region-key)."
    )
    var regionKey: String?

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error (env: TETHER_LOG_LEVEL; default info)."
    )
    var logLevel: String?

    @Option(
        name: .customLong("max-bytes-in-flight"),
        help: "Request bytes held at once across requests (env: TETHER_MAX_BYTES_IN_FLIGHT; default 536870912)."
    )
    var maxBytesInFlight: String?

    @Option(
        name: .customLong("max-connections"),
        help: "Open connections at most; more wait (env: TETHER_MAX_CONNECTIONS; default 1000)."
    )
    var maxConnections: String?

    @Option(
        name: .customLong("idle-timeout"),
        help: "Close a connection idle this long (env: TETHER_IDLE_TIMEOUT; default 60s)."
    )
    var idleTimeout: String?

    @Option(
        name: .customLong("read-timeout"),
        help: "Longest wait for a request head, or pause in its body (env: TETHER_READ_TIMEOUT; default 30s)."
    )
    var readTimeout: String?

    @Option(
        name: .customLong("max-streams-per-account"),
        help: "Alert streams one account may have open (env: TETHER_MAX_STREAMS_PER_ACCOUNT; default 5)."
    )
    var maxStreamsPerAccount: String?

    @Option(
        name: .customLong("metrics-listen"),
        help: "Also serve /metrics without a credential on HOST:PORT (env: TETHER_METRICS_LISTEN; default off)."
    )
    var metricsListen: String?

    @Option(
        name: .customLong("tls-cert"),
        help: "PEM certificate chain: serve HTTPS, with --tls-key (env: TETHER_TLS_CERT; default: plain HTTP)."
    )
    var tlsCertificate: String?

    @Option(
        name: .customLong("tls-key"),
        help: "PEM private key of --tls-cert (env: TETHER_TLS_KEY)."
    )
    var tlsKey: String?

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "A proxy address or CIDR block whose X-Forwarded-For is believed; repeatable (env: TETHER_TRUSTED_PROXY, comma-separated; default: none).",
            valueName: "CIDR"
        )
    )
    var trustedProxy: [String] = []

    @Option(
        name: .customLong("sign-in-address-limit"),
        help:
            "Failed sign-ins from one address, any emails, within the sign-in window before refusing (env: TETHER_SIGN_IN_ADDRESS_LIMIT; default 20)."
    )
    var signInAddressLimit: String?

    @Option(
        name: .customLong("sign-in-email-limit"),
        help:
            "Failed sign-ins for one email, all addresses, within the sign-in window before each address gets one try (env: TETHER_SIGN_IN_EMAIL_LIMIT; default 50)."
    )
    var signInEmailLimit: String?

    @Option(
        name: .customLong("registration-address-limit"),
        help: "Registrations from one address per hour (env: TETHER_REGISTRATION_ADDRESS_LIMIT; default 60)."
    )
    var registrationAddressLimit: String?

    @Option(
        name: .customLong("credential-failure-limit"),
        help:
            "Unknown device credentials from one address within the window before refusing (env: TETHER_CREDENTIAL_FAILURE_LIMIT; default 20)."
    )
    var credentialFailureLimit: String?

    @Option(
        name: .customLong("credential-failure-window"),
        help: "Window for counting unknown device credentials (env: TETHER_CREDENTIAL_FAILURE_WINDOW; default 15m)."
    )
    var credentialFailureWindow: String?

    @Flag(
        name: .customLong("insecure-fast-password-hashing"),
        help:
            "Allow --bcrypt-cost below 10, for tests and demos only (env: TETHER_INSECURE_FAST_PASSWORD_HASHING=true)."
    )
    var insecureFastPasswordHashing = false

    /// The flags that were given, by setting key.
    var flags: [String: String] {
        let pairs: [(String, String?)] = [
            ("host", self.host), ("port", self.port), ("region", self.region), ("regions", self.regions),
            ("data-dir", self.dataDirectory), ("database", self.database),
            ("database-ca-file", self.databaseCAFile), ("database-password-file", self.databasePasswordFile),
            ("database-pool-size", self.databasePoolSize), ("no-migrate", self.noMigrate ? "true" : nil),
            ("pairing-code-ttl", self.pairingCodeTTL), ("pairing-rate-limit", self.pairingRateLimit),
            ("bcrypt-cost", self.bcryptCost), ("access-token-ttl", self.accessTokenTTL),
            ("refresh-token-ttl", self.refreshTokenTTL), ("sign-in-failure-limit", self.signInFailureLimit),
            ("sign-in-failure-window", self.signInFailureWindow), ("max-body-bytes", self.maxBodyBytes),
            ("claim-failure-limit", self.claimFailureLimit), ("claim-failure-window", self.claimFailureWindow),
            ("ts-max-past", self.timestampMaxPast), ("ts-max-future", self.timestampMaxFuture),
            ("telemetry-retention", self.telemetryRetention), ("aggregate-retention", self.aggregateRetention),
            ("durability", self.durability), ("clock", self.clock),
            ("webhook-targets", self.webhookTargets), ("log-level", self.logLevel),
            ("kek-file", self.kekFile), ("region-key", self.regionKey),
            ("peer-ca-file", self.peerCAFile),
            ("directory-sync-interval", self.directorySyncInterval),
            ("directory-tombstone-retention", self.directoryTombstoneRetention),
            ("peer-timeout", self.peerTimeout), ("move-deadline", self.moveDeadline),
            ("move-check-interval", self.moveCheckInterval), ("max-bytes-in-flight", self.maxBytesInFlight),
            ("max-connections", self.maxConnections), ("idle-timeout", self.idleTimeout),
            ("read-timeout", self.readTimeout), ("max-streams-per-account", self.maxStreamsPerAccount),
            ("metrics-listen", self.metricsListen),
            ("tls-cert", self.tlsCertificate), ("tls-key", self.tlsKey),
            ("trusted-proxy", self.trustedProxy.isEmpty ? nil : self.trustedProxy.joined(separator: ",")),
            ("sign-in-address-limit", self.signInAddressLimit), ("sign-in-email-limit", self.signInEmailLimit),
            ("registration-address-limit", self.registrationAddressLimit),
            ("credential-failure-limit", self.credentialFailureLimit),
            ("credential-failure-window", self.credentialFailureWindow),
            ("insecure-fast-password-hashing", self.insecureFastPasswordHashing ? "true" : nil),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    /// Resolves flags, environment and config file into settings.
    func resolve() throws -> ServerSettings {
        let environment = ProcessInfo.processInfo.environment
        do {
            var file: [String: String] = [:]
            if let path = self.config ?? environment["TETHER_CONFIG"] {
                file = try SettingSources.readConfigFile(at: URL(fileURLWithPath: path))
            }
            return try ServerSettings(
                resolving: SettingSources(flags: self.flags, environment: environment, file: file)
            )
        } catch {
            throw ValidationError("invalid setting: \(error.detail)")
        }
    }
}
