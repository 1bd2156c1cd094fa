public import Foundation
public import TetherCore
public import TetherSync

/// The settings of one region server, with safe defaults.
///
/// `tetherd` fills it from flags, `TETHER_*` environment variables and a config file
/// (see the README's Configuration section); tests set fields directly.
public struct ServerConfig: Sendable {
    /// Listen address. Default `127.0.0.1`.
    public var host: String
    /// Listen port; `0` picks a free one. Default `8080`.
    public var port: Int
    /// This server's region id. Default `local`.
    public var region: RegionID
    /// How long a pairing code works. Default 10 minutes.
    public var pairingCodeLifetime: Duration
    /// Pairing codes one account may ask for per hour. Default 10.
    public var pairingRateLimitPerHour: Int
    /// bcrypt cost for passwords (10…31; 4…31 with ``insecureFastPasswordHashing``). Default 12.
    public var bcryptCost: Int
    /// How long an access token works. Default 1 hour.
    public var accessTokenLifetime: Duration
    /// How long a refresh token works. Default 30 days.
    public var refreshTokenLifetime: Duration
    /// Failed sign-ins for one email from one client address within ``signInFailureWindow`` before
    /// sign-in to it from there is refused. Default 5.
    public var signInFailureLimit: Int
    /// The window that ``signInFailureLimit`` counts over. Default 15 minutes.
    public var signInFailureWindow: Duration
    /// Wrong pairing codes from one client address within ``claimFailureWindow`` before claims
    /// from it are refused. Default 10.
    public var claimFailureLimit: Int
    /// The window that ``claimFailureLimit`` counts over. Default 10 minutes.
    public var claimFailureWindow: Duration
    /// The largest request body accepted, in bytes. Default 1 MiB.
    public var maxBodyBytes: Int
    /// The device times telemetry may carry. Default: 30 days past, 5 minutes future.
    public var timestampWindow: TimestampWindow
    /// How long raw telemetry events are kept after arrival. Default 90 days.
    public var telemetryRetention: Duration
    /// How long daily aggregates (usage, operator statistics) are kept; at most 2 years. Default 2 years.
    public var aggregateRetention: Duration
    /// What "now" is. Default: the wall clock.
    public var clock: @Sendable () -> Date
    /// What "now" is for silence and repeats: the wall clock (``clock``), or the newest event
    /// time seen, for replays and time-compressed simulations. Default ``AlertClockMode/wall``.
    public var alertClock: AlertClockMode = .wall
    /// How often silence and repeats are checked, and webhook deliveries looked for. Default 1 s.
    public var alertTickInterval: Duration = .seconds(1)
    /// The first webhook retry waits this long, each next one twice as long (at most an hour). Default 1 s.
    public var webhookBackoffBase: Duration = .seconds(1)
    /// Which hosts webhooks may post to. Default ``WebhookTargetPolicy/publicOnly``: `https`
    /// only, to hosts whose every resolved address is public.
    public var webhookTargets: WebhookTargetPolicy = .publicOnly
    /// The region directory (`--regions FILE`); `nil` runs this region alone, home to every account.
    public var regions: RegionDirectory?
    /// The PEM CA certificates this region trusts for its `https` peers (`--peer-ca-file`);
    /// `nil`: the system's roots.
    public var peerCAFile: String?
    /// This region's keys (`--region-key FILE`), with which it signs its peer requests; `nil`
    /// when its entry in the regions file lists none (loopback deployments only).
    public var regionKeyring: RegionKeyring?
    /// How often the account directory is reconciled with every peer (anti-entropy). Default 30 s.
    public var directorySyncInterval: Duration = .seconds(30)
    /// How long a directory tombstone (a deleted account's entry) is kept, counted from its
    /// version's time: longer than any region may be down, or a stale replica could bring the
    /// entry back. Default 30 days.
    public var directoryTombstoneRetention: Duration = .seconds(30 * 86_400)
    /// How long a call to a peer region (reserving an email, a directory round, asking about a
    /// pairing code) may take before the peer counts as unavailable (`503 peer_unavailable`).
    /// Default 5 s.
    public var peerTimeout: Duration = .seconds(5)
    /// How long the target of an account move may take to take the account in before it
    /// refuses to finish (`503 move_expired`); the old home waits this long and a margin before
    /// it counts a move whose answer was lost as not taken. Bulk peer calls (replica batches, a
    /// moving account's rows) may take twice as long. Default 60 s.
    public var moveDeadline: Duration = .seconds(60)
    /// How often the old home asks how a move in doubt ended. Default 10 s.
    public var moveCheckInterval: Duration = .seconds(10)
    /// What background jobs (``PeriodicJob``) wait on between passes; tests inject one they step.
    /// Default: the continuous clock.
    public var jobClock: any Clock<Duration> = ContinuousClock()
    /// The PEM certificate chain to serve over TLS (`--tls-cert`); with ``tlsKeyFile`` the server
    /// speaks HTTPS only. Default: none, plain HTTP (on loopback, or behind a proxy that terminates TLS).
    public var tlsCertificateFile: String?
    /// The PEM private key of ``tlsCertificateFile`` (`--tls-key`). Default: none.
    public var tlsKeyFile: String?
    /// The proxies whose `X-Forwarded-For` names the client (`--trusted-proxy CIDR`, repeatable).
    /// Default: none, so the socket's peer is always the client.
    public var trustedProxies = TrustedProxies()

    // MARK: Limits of the front door

    /// The request bytes held in memory at once across all requests; a request that does not
    /// fit answers `503 server_busy`. At least ``maxBodyBytes``. Default 512 MiB.
    public var maxBytesInFlight: Int = 512 << 20
    /// Open connections at most; more wait in the listen backlog until one closes. Default 1,000.
    public var maxConnections: Int = 1_000
    /// How long a connection may sit with no request in progress before it is closed. Default 60 s.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a request's head may take to arrive in full, and the longest pause while its
    /// body arrives, before the connection is closed (slow senders). Default 30 s.
    public var readTimeout: Duration = .seconds(30)
    /// Alert streams one account may have open at once; one more answers `429 too_many_streams`.
    /// Default 5.
    public var maxStreamsPerAccount: Int = 5
    /// How often an idle alert stream gets a keep-alive comment; a client that went away is
    /// noticed, and its place freed, at the next one. Default 15 s.
    public var streamKeepAliveInterval: Duration = .seconds(15)
    /// Where `GET /metrics` is also served without a credential (`--metrics-listen HOST:PORT`);
    /// on the main port it needs an operator token. Default: nowhere else.
    public var metricsListen: (host: String, port: Int)?
    /// Failed sign-ins from one client address, for any emails together, within
    /// ``signInFailureWindow`` before sign-ins from it are refused. Default 20.
    public var signInAddressLimit: Int = 20
    /// Failed sign-ins for one email from all addresses within ``signInFailureWindow`` after which
    /// each address gets one attempt for it per window instead of ``signInFailureLimit`` (never
    /// none: its owner is not locked out of a new address). Default 50.
    public var signInEmailLimit: Int = 50
    /// Registrations from one client address per hour. Default 60.
    public var registrationAddressLimit: Int = 60
    /// Unknown device credentials from one client address within ``credentialFailureWindow``
    /// before any device credential from it is refused unchecked. Default 20.
    public var credentialFailureLimit: Int = 20
    /// The window that ``credentialFailureLimit`` counts over. Default 15 minutes.
    public var credentialFailureWindow: Duration = .seconds(900)
    /// Allows a ``bcryptCost`` below 10, for tests, demos and simulations only. Default `false`.
    public var insecureFastPasswordHashing: Bool = false

    /// How long a bulk call to a peer (a replica batch, a moving account's rows) may take:
    /// twice ``moveDeadline``, and at least two minutes.
    var bulkPeerTimeout: Duration {
        max(.seconds(120), self.moveDeadline * 2)
    }

    /// The region directory in force: the configured one, or this region alone.
    public var directory: RegionDirectory {
        self.regions
            ?? .standalone(self.region, url: URL(string: "\(self.scheme)://\(self.host):\(self.port)")!)
    }

    /// `https` when the server speaks TLS (``tlsCertificateFile``), else `http`.
    public var scheme: String {
        self.tlsCertificateFile == nil ? "http" : "https"
    }

    /// Creates a configuration; every parameter has a safe default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        region: RegionID = RegionID(rawValue: "local")!,
        pairingCodeLifetime: Duration = .seconds(600),
        pairingRateLimitPerHour: Int = 10,
        bcryptCost: Int = 12,
        accessTokenLifetime: Duration = .seconds(3_600),
        refreshTokenLifetime: Duration = .seconds(30 * 86_400),
        signInFailureLimit: Int = 5,
        signInFailureWindow: Duration = .seconds(900),
        claimFailureLimit: Int = 10,
        claimFailureWindow: Duration = .seconds(600),
        maxBodyBytes: Int = 1 << 20,
        timestampWindow: TimestampWindow = TimestampWindow(),
        telemetryRetention: Duration = .seconds(90 * 86_400),
        aggregateRetention: Duration = ServerConfig.maxAggregateRetention,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.host = host
        self.port = port
        self.region = region
        self.pairingCodeLifetime = pairingCodeLifetime
        self.pairingRateLimitPerHour = pairingRateLimitPerHour
        self.bcryptCost = bcryptCost
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.signInFailureLimit = signInFailureLimit
        self.signInFailureWindow = signInFailureWindow
        self.claimFailureLimit = claimFailureLimit
        self.claimFailureWindow = claimFailureWindow
        self.maxBodyBytes = maxBodyBytes
        self.timestampWindow = timestampWindow
        self.telemetryRetention = telemetryRetention
        self.aggregateRetention = aggregateRetention
        self.clock = clock
    }

    /// The lowest ``bcryptCost`` allowed without ``insecureFastPasswordHashing``: 10.
    public static let minimumSafeBcryptCost = 10

    /// The longest ``aggregateRetention`` allowed: 2 years.
    public static let maxAggregateRetention = Duration.seconds(730 * 86_400)

    /// Checks ranges that a bad flag could break.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming the setting.
    public func validate() throws(TetherError) {
        if let regions, regions.region(self.region) == nil {
            throw .invalidField("region", "\"\(self.region)\" is not in the region directory")
        }
        guard (0...65_535).contains(self.port) else { throw .invalidField("port", "must be 0-65535") }
        guard (4...31).contains(self.bcryptCost) else { throw .invalidField("bcrypt-cost", "must be 4-31") }
        guard self.pairingRateLimitPerHour >= 1 else { throw .invalidField("pairing-rate-limit", "must be at least 1") }
        guard self.signInFailureLimit >= 1 else { throw .invalidField("sign-in-failure-limit", "must be at least 1") }
        guard self.claimFailureLimit >= 1 else { throw .invalidField("claim-failure-limit", "must be at least 1") }
        guard self.bcryptCost >= Self.minimumSafeBcryptCost || self.insecureFastPasswordHashing else {
            throw .invalidField(
                "bcrypt-cost",
                "must be at least \(Self.minimumSafeBcryptCost) unless --insecure-fast-password-hashing is given"
            )
        }
        for (name, limit) in [
            ("sign-in-address-limit", self.signInAddressLimit), ("sign-in-email-limit", self.signInEmailLimit),
            ("registration-address-limit", self.registrationAddressLimit),
            ("credential-failure-limit", self.credentialFailureLimit),
        ] where limit < 1 {
            throw .invalidField(name, "must be at least 1")
        }
        guard self.maxBodyBytes >= 1_024 else { throw .invalidField("max-body-bytes", "must be at least 1024") }
        guard self.maxBytesInFlight >= self.maxBodyBytes else {
            throw .invalidField("max-bytes-in-flight", "must be at least max-body-bytes (\(self.maxBodyBytes))")
        }
        guard self.maxConnections >= 1 else { throw .invalidField("max-connections", "must be at least 1") }
        guard self.maxStreamsPerAccount >= 1 else {
            throw .invalidField("max-streams-per-account", "must be at least 1")
        }
        if let metricsListen, !(1...65_535).contains(metricsListen.port) {
            throw .invalidField("metrics-listen", "must name a port 1-65535")
        }
        for (name, duration) in [
            ("pairing-code-ttl", self.pairingCodeLifetime), ("access-token-ttl", self.accessTokenLifetime),
            ("refresh-token-ttl", self.refreshTokenLifetime), ("sign-in-failure-window", self.signInFailureWindow),
            ("claim-failure-window", self.claimFailureWindow), ("telemetry-retention", self.telemetryRetention),
            ("aggregate-retention", self.aggregateRetention), ("directory-sync-interval", self.directorySyncInterval),
            ("directory-tombstone-retention", self.directoryTombstoneRetention), ("peer-timeout", self.peerTimeout),
            ("move-deadline", self.moveDeadline), ("move-check-interval", self.moveCheckInterval),
            ("idle-timeout", self.idleTimeout), ("read-timeout", self.readTimeout),
            ("stream-keep-alive-interval", self.streamKeepAliveInterval),
            ("credential-failure-window", self.credentialFailureWindow),
        ] where duration <= .zero {
            throw .invalidField(name, "must be longer than zero")
        }
        guard self.aggregateRetention <= Self.maxAggregateRetention else {
            throw .invalidField("aggregate-retention", "must be at most 730d")
        }
        if (self.tlsCertificateFile == nil) != (self.tlsKeyFile == nil) {
            throw self.tlsCertificateFile == nil
                ? .invalidField("tls-cert", "must be given with tls-key")
                : .invalidField("tls-key", "must be given with tls-cert")
        }
    }
}

/// What "now" is for the alert checks that have no event to go by (silence, repeats).
public enum AlertClockMode: String, Sendable, Hashable, CaseIterable {
    /// The server's clock.
    case wall
    /// The newest device time the server has seen: replays and simulations give the same alerts
    /// however fast they run.
    case eventTime = "event-time"
}
