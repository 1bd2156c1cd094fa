import Foundation
import Testing
import TetherCore
import TetherServer
import TetherStore
import TetherSync
import TetherTesting

struct ServerSettingsTests {
    static func regionsFile(with region: String) -> URL {
        try! RegionDirectoryFile.write([
            .init(id: region, port: 9090, group: "ap"), .init(id: "eu", port: 9091, group: "eu"),
        ])
    }

    /// A password file holding "from-the-file" and a newline.
    static func passwordFile() -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tether-db-password-\(UUID().uuidString)"
        )
        _ = FileManager.default.createFile(atPath: file.path, contents: Data("from-the-file\n".utf8))
        return file
    }

    @Test
    func theDatabaseDefaultsToSQLiteInTheDataDirectoryAndTakesItsPasswordFromTheEnvironment() throws {
        let settings = try ServerSettings(
            resolving: SettingSources(
                environment: ["TETHER_DATA_DIR": "/srv/tether", "TETHER_DATABASE_PASSWORD": "from-the-environment"]
            )
        )
        #expect(settings.database == .sqlite(file: URL(fileURLWithPath: "/srv/tether/tether.sqlite")))
        #expect(settings.databasePassword == "from-the-environment")
        #expect(settings.databasePoolSize == 16)
        #expect(settings.migratesOnStart)
        let file = try ServerSettings(resolving: SettingSources(flags: ["database": "sqlite:/elsewhere/region.db"]))
        #expect(file.database == .sqlite(file: URL(fileURLWithPath: "/elsewhere/region.db")))
    }

    @Test(arguments: [
        ("database", "mysql://tether@db/tether"), ("database", "sqlite:"), ("database-pool-size", "0"),
        ("database-password-file", "/nonexistent/password"), ("no-migrate", "perhaps"),
    ])
    func aBadDatabaseSettingIsRefusedNamingIt(key: String, value: String) {
        let error = #expect(throws: TetherError.self) {
            try ServerSettings(resolving: SettingSources(flags: [key: value]))
        }
        #expect(error?.field == key)
    }

    @Test
    func aRegionMissingFromItsDirectoryIsRefused() {
        let file = Self.regionsFile(with: "us")
        #expect(throws: TetherError.invalidField("region", "\"eu-west\" is not in the region directory")) {
            try ServerSettings(resolving: SettingSources(file: ["region": "eu-west", "regions": file.path]))
        }
        #expect(throws: TetherError.self) {
            try ServerSettings(resolving: SettingSources(file: ["regions": "/nonexistent/regions.json"]))
        }
    }

    @Test
    func defaultsApplyWhenNothingIsSet() throws {
        let settings = try ServerSettings(resolving: SettingSources())
        #expect(settings.config.host == "127.0.0.1")
        #expect(settings.config.port == 8_080)
        #expect(settings.config.region.rawValue == "local")
        #expect(settings.config.pairingCodeLifetime == .seconds(600))
        #expect(settings.config.pairingRateLimitPerHour == 10)
        #expect(settings.config.bcryptCost == 12)
        #expect(settings.config.accessTokenLifetime == .seconds(3_600))
        #expect(settings.config.refreshTokenLifetime == .seconds(30 * 86_400))
        #expect(settings.config.signInFailureLimit == 5)
        #expect(settings.config.signInFailureWindow == .seconds(900))
        #expect(settings.config.claimFailureLimit == 10)
        #expect(settings.config.claimFailureWindow == .seconds(600))
        #expect(settings.config.maxBodyBytes == 1 << 20)
        #expect(settings.config.signInAddressLimit == 20)
        #expect(settings.config.signInEmailLimit == 50)
        #expect(settings.config.registrationAddressLimit == 60)
        #expect(settings.config.credentialFailureLimit == 20)
        #expect(settings.config.credentialFailureWindow == .seconds(900))
        #expect(settings.config.insecureFastPasswordHashing == false)
        #expect(settings.dataDirectory.lastPathComponent == "tether-data")
        #expect(settings.logLevel == "info")
    }

    @Test
    func aFlagBeatsTheEnvironmentWhichBeatsTheFile() throws {
        let file = ["port": "7003", "region": "eu", "pairing-code-ttl": "3m", "log-level": "debug"]
        let environment = ["TETHER_PORT": "7002", "TETHER_REGION": "us", "HOME": "/root"]
        let flags = ["port": "7001"]

        let all = try ServerSettings(resolving: SettingSources(flags: flags, environment: environment, file: file))
        #expect(all.config.port == 7_001)
        #expect(all.config.region.rawValue == "us")
        #expect(all.config.pairingCodeLifetime == .seconds(180))
        #expect(all.logLevel == "debug")

        let noFlags = try ServerSettings(resolving: SettingSources(environment: environment, file: file))
        #expect(noFlags.config.port == 7_002)

        let fileOnly = try ServerSettings(resolving: SettingSources(file: file))
        #expect(fileOnly.config.port == 7_003)
        #expect(fileOnly.config.region.rawValue == "eu")
    }

    @Test(arguments: [
        ("host", "TETHER_HOST"),
        ("pairing-code-ttl", "TETHER_PAIRING_CODE_TTL"),
        ("sign-in-failure-window", "TETHER_SIGN_IN_FAILURE_WINDOW"),
        ("data-dir", "TETHER_DATA_DIR"),
    ])
    func environmentNamesArePrefixedUpperSnakeCase(key: String, name: String) {
        #expect(SettingSources.environmentName(for: key) == name)
    }

    @Test
    func everyKeyIsReadFromTheEnvironment() throws {
        let regions = Self.regionsFile(with: "ap-south")
        let peerCA = regions.deletingLastPathComponent().appendingPathComponent("peer-ca.pem")
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: peerCA)
        let values = [
            "host": "0.0.0.0", "port": "9090", "region": "ap-south", "data-dir": "/var/lib/tether",
            "pairing-code-ttl": "5m", "pairing-rate-limit": "3", "bcrypt-cost": "10", "access-token-ttl": "15m",
            "refresh-token-ttl": "7d", "sign-in-failure-limit": "8", "sign-in-failure-window": "1h",
            "claim-failure-limit": "4", "claim-failure-window": "30m", "max-body-bytes": "65536",
            "ts-max-past": "off", "ts-max-future": "10m", "telemetry-retention": "7d", "aggregate-retention": "365d",
            "durability": "power-loss", "clock": "event-time",
            "webhook-targets": "any", "log-level": "warning", "regions": regions.path,
            "region-key": RegionDirectoryFile.keyFile(for: "ap-south", regions: regions).path,
            "peer-ca-file": peerCA.path,
            "kek-file": "/etc/tether/region.kek", "directory-sync-interval": "250ms",
            "directory-tombstone-retention": "90d", "peer-timeout": "12s", "move-deadline": "2m",
            "move-check-interval": "3s",
            "tls-cert": "/etc/tether/chain.pem", "tls-key": "/etc/tether/key.pem",
            "trusted-proxy": "10.0.0.0/8, 192.168.1.1",
            "max-bytes-in-flight": "1048576", "max-connections": "64", "idle-timeout": "2m", "read-timeout": "10s",
            "max-streams-per-account": "2", "metrics-listen": "[::1]:9100",
            "sign-in-address-limit": "30", "sign-in-email-limit": "70",
            "registration-address-limit": "90", "credential-failure-limit": "25", "credential-failure-window": "20m",
            "insecure-fast-password-hashing": "true",
            "database": "postgres://tether@db.internal:5433/tether?sslmode=verify-full",
            "database-ca-file": "/etc/tether/db-ca.pem", "database-password-file": Self.passwordFile().path,
            "database-pool-size": "32", "no-migrate": "true",
        ]
        #expect(Set(values.keys) == Set(ServerSettings.keys))
        var environment: [String: String] = [:]
        for (key, value) in values {
            environment[SettingSources.environmentName(for: key)] = value
        }
        let settings = try ServerSettings(resolving: SettingSources(environment: environment))
        #expect(settings.config.host == "0.0.0.0")
        #expect(settings.config.port == 9_090)
        #expect(settings.kekFile?.path == "/etc/tether/region.kek")
        #expect(settings.config.region.rawValue == "ap-south")
        #expect(settings.dataDirectory.path == "/var/lib/tether")
        #expect(settings.config.pairingCodeLifetime == .seconds(300))
        #expect(settings.config.pairingRateLimitPerHour == 3)
        #expect(settings.config.bcryptCost == 10)
        #expect(settings.config.accessTokenLifetime == .seconds(900))
        #expect(settings.config.refreshTokenLifetime == .seconds(7 * 86_400))
        #expect(settings.config.signInFailureLimit == 8)
        #expect(settings.config.signInFailureWindow == .seconds(3_600))
        #expect(settings.config.claimFailureLimit == 4)
        #expect(settings.config.claimFailureWindow == .seconds(1_800))
        #expect(settings.config.maxBodyBytes == 65_536)
        #expect(settings.config.timestampWindow == TimestampWindow(maxPast: nil, maxFuture: .seconds(600)))
        #expect(settings.config.telemetryRetention == .seconds(7 * 86_400))
        #expect(settings.config.alertClock == .eventTime)
        #expect(settings.config.webhookTargets == .any)
        #expect(settings.config.aggregateRetention == .seconds(365 * 86_400))
        #expect(settings.durability == .powerLoss)
        #expect(settings.database == .postgres(url: "postgres://tether@db.internal:5433/tether?sslmode=verify-full"))
        #expect(settings.databaseCAFile?.path == "/etc/tether/db-ca.pem")
        #expect(settings.databasePassword == "from-the-file")
        #expect(settings.databasePoolSize == 32)
        #expect(settings.migratesOnStart == false)
        #expect(settings.logLevel == "warning")
        #expect(settings.config.regions?.regions.map(\.id.rawValue) == ["ap-south", "eu"])
        #expect(settings.regionKeyFile == RegionDirectoryFile.keyFile(for: "ap-south", regions: regions))
        #expect(settings.config.regionKeyring?.region.rawValue == "ap-south")
        #expect(settings.config.peerCAFile == peerCA.path)
        #expect(settings.config.directorySyncInterval == .milliseconds(250))
        #expect(settings.config.directoryTombstoneRetention == .seconds(90 * 86_400))
        #expect(settings.config.peerTimeout == .seconds(12))
        #expect(settings.config.moveDeadline == .seconds(120))
        #expect(settings.config.moveCheckInterval == .seconds(3))
        #expect(settings.config.tlsCertificateFile == "/etc/tether/chain.pem")
        #expect(settings.config.tlsKeyFile == "/etc/tether/key.pem")
        #expect(settings.config.trustedProxies.networks.map(\.description) == ["10.0.0.0/8", "192.168.1.1/32"])
        #expect(settings.config.maxBytesInFlight == 1_048_576)
        #expect(settings.config.maxConnections == 64)
        #expect(settings.config.idleTimeout == .seconds(120))
        #expect(settings.config.readTimeout == .seconds(10))
        #expect(settings.config.maxStreamsPerAccount == 2)
        #expect(settings.config.metricsListen?.host == "::1")
        #expect(settings.config.metricsListen?.port == 9_100)
        #expect(settings.config.signInAddressLimit == 30)
        #expect(settings.config.signInEmailLimit == 70)
        #expect(settings.config.registrationAddressLimit == 90)
        #expect(settings.config.credentialFailureLimit == 25)
        #expect(settings.config.credentialFailureWindow == .seconds(1_200))
        #expect(settings.config.insecureFastPasswordHashing)
    }

    @Test
    func tlsTakesACertificateAndAKeyTogetherAndMakesTheServersURLHTTPS() throws {
        let certificateOnly = #expect(throws: TetherError.self) {
            try ServerSettings(resolving: SettingSources(flags: ["tls-cert": "/etc/tether/chain.pem"]))
        }
        #expect(certificateOnly?.field == "tls-key")
        let keyOnly = #expect(throws: TetherError.self) {
            try ServerSettings(resolving: SettingSources(environment: ["TETHER_TLS_KEY": "/etc/tether/key.pem"]))
        }
        #expect(keyOnly?.field == "tls-cert")

        let plain = try ServerSettings(resolving: SettingSources(flags: ["port": "8443"]))
        #expect(plain.config.directory.regions.first?.url.absoluteString == "http://127.0.0.1:8443")
        let tls = try ServerSettings(
            resolving: SettingSources(
                flags: ["port": "8443", "tls-cert": "/etc/tether/chain.pem"],
                file: ["tls-key": "/etc/tether/key.pem"]
            )
        )
        #expect(tls.config.directory.regions.first?.url.absoluteString == "https://127.0.0.1:8443")
    }

    @Test
    func anUnknownKeyInTheConfigFileIsRefused() {
        #expect(throws: TetherError.invalidField("config", "has an unknown setting 'prot'")) {
            try ServerSettings(resolving: SettingSources(file: ["prot": "9090"]))
        }
        // Every known key is accepted in the file.
        let file = ["port": "9090", "claim-failure-limit": "4", "claim-failure-window": "30m"]
        #expect(throws: Never.self) { try ServerSettings(resolving: SettingSources(file: file)) }
    }

    @Test(arguments: [
        ("port", "eighty"),
        ("port", "70000"),
        ("port", "-1"),
        ("region", "EU"),
        ("pairing-code-ttl", "10"),
        ("pairing-code-ttl", "0s"),
        ("pairing-rate-limit", "0"),
        ("bcrypt-cost", "3"),
        ("bcrypt-cost", "32"),
        ("access-token-ttl", "an hour"),
        ("refresh-token-ttl", "-1d"),
        ("sign-in-failure-limit", "many"),
        ("sign-in-failure-window", "0m"),
        ("claim-failure-limit", "0"),
        ("claim-failure-limit", "ten"),
        ("claim-failure-window", "0s"),
        ("claim-failure-window", "10"),
        ("max-body-bytes", "1023"),
        ("ts-max-past", "soon"),
        ("ts-max-past", "0s"),
        ("ts-max-future", "5"),
        ("ts-max-future", "-1m"),
        ("telemetry-retention", "off"),
        ("telemetry-retention", "0d"),
        ("aggregate-retention", "0s"),
        ("aggregate-retention", "731d"),
        ("durability", "sometimes"),
        ("durability", ""),
        ("clock", "sundial"),
        ("webhook-targets", "lan"),
        ("log-level", "loud"),
        ("trusted-proxy", "10.0.0.0/33"),
        ("trusted-proxy", "10.0.0.0/8,proxy.example.org"),
        ("max-bytes-in-flight", "1000"),
        ("max-connections", "0"),
        ("idle-timeout", "0s"),
        ("read-timeout", "soon"),
        ("max-streams-per-account", "0"),
        ("metrics-listen", "9100"),
        ("metrics-listen", "127.0.0.1:0"),
        ("bcrypt-cost", "4"),
        ("bcrypt-cost", "9"),
        ("sign-in-address-limit", "0"),
        ("sign-in-email-limit", "none"),
        ("registration-address-limit", "-5"),
        ("credential-failure-limit", "0"),
        ("credential-failure-window", "0s"),
        ("insecure-fast-password-hashing", "maybe"),
    ])
    func aBadValueNamesItsSetting(key: String, value: String) {
        for sources in [SettingSources(flags: [key: value]), SettingSources(file: [key: value])] {
            let error = #expect(throws: TetherError.self) { try ServerSettings(resolving: sources) }
            #expect(error?.code == "invalid_field")
            #expect(error?.field == key)
        }
    }

    @Test
    func aBadLowerPrecedenceValueIsIgnoredWhenOverridden() throws {
        let sources = SettingSources(
            flags: ["port": "9000"],
            environment: ["TETHER_PORT": "nope"],
            file: ["port": "nope"]
        )
        #expect(try ServerSettings(resolving: sources).config.port == 9_000)
    }

    @Test
    func theConfigFileIsOneJSONObjectOfStringsAndNumbers() throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let url = directory.appendingPathComponent("tetherd.json")
        try Data(#"{"port": 9091, "pairing-code-ttl": "5m", "region": "eu"}"#.utf8).write(to: url)

        let file = try SettingSources.readConfigFile(at: url)
        #expect(file == ["port": "9091", "pairing-code-ttl": "5m", "region": "eu"])
        let settings = try ServerSettings(resolving: SettingSources(file: file))
        #expect(settings.config.port == 9_091)
        #expect(settings.config.pairingCodeLifetime == .seconds(300))
    }

    @Test(arguments: [#"{"port": "#, #"["port", 9091]"#, #"{"port": {"value": 9091}}"#, #"{"hosts": ["a", "b"]}"#, ""])
    func anUnreadableConfigFileNamesConfig(contents: String) throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let url = directory.appendingPathComponent("tetherd.json")
        try Data(contents.utf8).write(to: url)
        let error = #expect(throws: TetherError.self) { try SettingSources.readConfigFile(at: url) }
        #expect(error?.field == "config")
    }

    @Test
    func aMissingConfigFileNamesConfig() {
        let url = URL(fileURLWithPath: "/nonexistent/tetherd-\(UUID().uuidString).json")
        let error = #expect(throws: TetherError.self) { try SettingSources.readConfigFile(at: url) }
        #expect(error?.field == "config")
    }

    /// bcrypt below cost 10 only with `insecure-fast-password-hashing`, from any source.
    @Test
    func aCostBelowTenNeedsInsecureFastPasswordHashing() throws {
        let error = #expect(throws: TetherError.self) {
            try ServerSettings(resolving: SettingSources(flags: ["bcrypt-cost": "4"]))
        }
        #expect(error?.field == "bcrypt-cost")
        #expect(error?.detail.contains("--insecure-fast-password-hashing") == true)
        for sources in [
            SettingSources(flags: ["bcrypt-cost": "4", "insecure-fast-password-hashing": "true"]),
            SettingSources(environment: ["TETHER_BCRYPT_COST": "4", "TETHER_INSECURE_FAST_PASSWORD_HASHING": "1"]),
            SettingSources(file: ["bcrypt-cost": "4", "insecure-fast-password-hashing": "true"]),
        ] {
            let settings = try ServerSettings(resolving: sources)
            #expect(settings.config.bcryptCost == 4)
            #expect(settings.config.insecureFastPasswordHashing)
        }
        #expect(try ServerSettings(resolving: SettingSources(flags: ["bcrypt-cost": "10"])).config.bcryptCost == 10)
        let off = SettingSources(environment: [
            "TETHER_BCRYPT_COST": "9", "TETHER_INSECURE_FAST_PASSWORD_HASHING": "false",
        ])
        #expect(throws: TetherError.self) { try ServerSettings(resolving: off) }
    }

    @Test
    func configValidationNamesTheSetting() {
        var config = ServerConfig.testing
        config.bcryptCost = 3
        #expect(throws: TetherError.invalidField("bcrypt-cost", "must be 4-31")) { try config.validate() }
        config = .testing
        config.signInFailureWindow = .zero
        #expect(throws: TetherError.invalidField("sign-in-failure-window", "must be longer than zero")) {
            try config.validate()
        }
        config = .testing
        config.claimFailureWindow = .zero
        #expect(throws: TetherError.invalidField("claim-failure-window", "must be longer than zero")) {
            try config.validate()
        }
        config = .testing
        config.claimFailureLimit = 0
        #expect(throws: TetherError.invalidField("claim-failure-limit", "must be at least 1")) { try config.validate() }
        config = .testing
        config.peerTimeout = .zero
        #expect(throws: TetherError.invalidField("peer-timeout", "must be longer than zero")) { try config.validate() }
        config = .testing
        config.moveDeadline = .seconds(-1)
        #expect(throws: TetherError.invalidField("move-deadline", "must be longer than zero")) { try config.validate() }
        config = .testing
        config.insecureFastPasswordHashing = false
        #expect(
            throws: TetherError.invalidField(
                "bcrypt-cost",
                "must be at least 10 unless --insecure-fast-password-hashing is given"
            )
        ) {
            try config.validate()
        }
        config.bcryptCost = 10
        #expect(throws: Never.self) { try config.validate() }
        config = .testing
        config.credentialFailureWindow = .zero
        #expect(throws: TetherError.invalidField("credential-failure-window", "must be longer than zero")) {
            try config.validate()
        }
        config = .testing
        config.signInAddressLimit = 0
        #expect(throws: TetherError.invalidField("sign-in-address-limit", "must be at least 1")) {
            try config.validate()
        }
        config = .testing
        config.port = 65_536
        #expect(throws: TetherError.invalidField("port", "must be 0-65535")) { try config.validate() }
        #expect(throws: Never.self) { try ServerConfig.testing.validate() }
    }
}
