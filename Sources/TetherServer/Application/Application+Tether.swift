public import Hummingbird
public import Logging
public import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle
import TetherAPI
public import TetherStore
public import TetherSync

/// Builds the region server: the generated OpenAPI routes behind Tether's middleware.
///
/// ```swift
/// let store = try SQLiteStore.open(directory: dataDirectory)
/// let app = try buildApplication(config: ServerConfig(), store: store, logger: logger)
/// try await app.runService()  // until SIGINT/SIGTERM; in-flight requests finish first
/// ```
///
/// - Parameters:
///   - config: The server's settings; validated here.
///   - store: Where accounts, sessions and devices live.
///   - logger: The server's logger; each request logs with its `hb.request.id`.
///   - backups: Where backups are kept (`protocols/backup.md`); without one their endpoints answer 503.
///   - replicaBlobs: Where this region keeps the chunk boxes of other regions' accounts it
///     replicates (`protocols/sync.md`); account replication needs it and `backups`.
///   - jobs: Filled with the background jobs the server runs, so a test can step them
///     (``BackgroundJobs/runOnce(_:)``).
///   - onServerRunning: Called with the listening channel (tests read the bound port from it).
public func buildApplication(
    config: ServerConfig,
    store: any TetherStorage,
    logger: Logger,
    backups: BackupVault? = nil,
    replicaBlobs: (any BlobStore)? = nil,
    jobs: BackgroundJobs = BackgroundJobs(),
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    try config.validate()
    let router = Router(context: TetherRequestContext.self)
    let routing = RegionRouting(
        config: config,
        store: store,
        peers: PeerDirectoryClient(config: config, timeout: config.peerTimeout)
    )
    // Outermost first: everything sees the client's address as trusted proxies forward it,
    // metrics see the final status of every response, errors included, and every response,
    // error or not, carries X-Request-Id.
    router.add(middleware: ClientAddressMiddleware(proxies: config.trustedProxies))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    let moves = AccountMoves()
    router.add(middleware: RequestScopeMiddleware(routing: routing, moves: moves))
    router.add(middleware: ProblemMiddleware())
    let hub = AlertHub(keepAliveInterval: config.streamKeepAliveInterval)
    let alerts = AlertService(
        store: store,
        hub: hub,
        clockMode: config.alertClock,
        wallClock: config.clock,
        moves: moves,
        logger: logger
    )
    let peerVerifier = PeerVerifier(region: config.region, directory: config.directory, clock: config.clock)
    var handler = TetherAPIHandler(
        config: config,
        store: store,
        metrics: MetricsRegistry.shared,
        alerts: alerts,
        hub: hub,
        routing: routing,
        moves: moves
    )
    handler.backups = backups
    handler.jobs = jobs
    router.add(
        middleware: BodyLimitMiddleware(
            maxBytes: config.maxBodyBytes,
            largeBodyRoutes: LargeBodyRoute.all,
            budget: BodyBudget(capacity: config.maxBytesInFlight),
            verify: { [handler, peerVerifier] credential, request in
                switch credential {
                case .session:
                    _ = try await handler.authenticator.validSession()
                case .peer:
                    // The signature covers the body's digest: the body is read only for a peer
                    // that signed it.
                    let peerRequest = PeerVerifier.Request(request, bearerToken: RequestScope.current.bearerToken)
                    _ = try peerVerifier.verifyHeaders(peerRequest)
                }
            }
        )
    )
    router.add(middleware: PeerAuthenticationMiddleware(verifier: peerVerifier))
    if let backups, let replicaBlobs {
        let dataKeys = DataKeyTransport(
            region: config.region,
            keyring: config.regionKeyring,
            directoryKey: config.directory.key
        )
        handler.replicas = AccountReplicas(
            region: config.region,
            directory: config.directory,
            source: AccountReplicaSource(
                store: store,
                vault: backups,
                transport: dataKeys
            ),
            vault: AccountReplicaVault(
                region: config.region,
                store: store,
                blobs: replicaBlobs,
                kek: backups.kek,
                transport: dataKeys,
                clock: config.clock
            ),
            peers: routing.peers,
            // Batches of megabytes and a whole account's rows take longer than a directory call.
            bulk: PeerDirectoryClient(config: config, timeout: config.bulkPeerTimeout),
            moveDeadline: config.moveDeadline,
            outcomePatience: config.peerTimeout * 3
        )
    }
    var pipeline = TelemetryPipeline(
        ingestor: TelemetryIngestor(store: store),
        window: config.timestampWindow,
        clock: config.clock
    )
    pipeline.alerts = alerts
    let telemetry = TelemetryRoute(
        pipeline: pipeline,
        authenticator: handler.authenticator,
        maxBodyBytes: config.maxBodyBytes
    )
    telemetry.register(on: router)
    let generated = GeneratedRoutes(transport: router, handWritten: TelemetryRoute.operations)
    try handler.registerHandlers(on: generated, configuration: .tether)
    try generated.verifyEveryHandWrittenOperationWasSkipped()
    try generated.verifyContractHas(LargeBodyRoute.all.map(\.operation))
    // After every route: it runs only where the router found none.
    router.add(middleware: MethodNotAllowedMiddleware(declared: generated.declaredMethods))

    let periodic: [PeriodicJob?] = [
        RetentionService(store: store, config: config, logger: logger).job(clock: config.jobClock),
        DirectoryBackfill(routing: routing, store: store, moves: moves, logger: logger).job(clock: config.jobClock),
        DirectoryReplication(
            routing: routing,
            store: store,
            interval: config.directorySyncInterval,
            logger: logger
        ).job(clock: config.jobClock),
        AlertTicker.job(alerts: alerts, config: config, logger: logger),
        StreamCheck.job(hub: hub, sessions: store, config: config, logger: logger),
        WebhookDeliverer(
            outbox: store,
            interval: config.alertTickInterval,
            backoffBase: config.webhookBackoffBase,
            maxAttempts: 20,
            targets: config.webhookTargets,
            moves: moves,
            clock: config.clock,
            logger: logger
        ).job(clock: config.jobClock),
        handler.replicas.flatMap { replicas in
            config.regions == nil
                ? nil
                : AccountReplication(replicas: replicas, interval: config.directorySyncInterval, logger: logger)
                    .job(clock: config.jobClock)
        },
        handler.replicas == nil
            ? nil
            : PeriodicJob(
                name: BackgroundJobs.Name.moveCheck.rawValue,
                schedule: .every(config.moveCheckInterval),
                clock: config.jobClock,
                logger: logger,
                pass: { [handler] in await handler.checkMovesInDoubt() }
            ),
    ]
    var services: [any Service] = [hub]
    if let listen = config.metricsListen {
        services.append(MetricsListener.application(host: listen.host, port: listen.port, logger: logger))
    }
    for job in periodic.compactMap({ $0 }) {
        jobs.add(job)
        services.append(job)
    }
    return Application(
        router: router,
        server: try ServerTLS.serverBuilder(
            for: config,
            base: .guardedHTTP1(idleTimeout: config.idleTimeout, readTimeout: config.readTimeout)
        ),
        configuration: .init(
            address: .hostname(config.host, port: config.port),
            serverName: "tetherd",
            availableConnectionsDelegate: ConnectionLimit(maximum: config.maxConnections)
        ),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger
    )
}
