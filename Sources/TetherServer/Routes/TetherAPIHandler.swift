import Foundation
import Logging
import Prometheus
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// Implements the generated `APIProtocol`: one method per operation of `protocols/openapi.yaml`,
/// grouped by concern in `TetherAPIHandler+*.swift`. Handlers validate input, call the store and
/// map to API types; errors are thrown as ``TetherError`` and rendered by ``ProblemMiddleware``.
struct TetherAPIHandler: APIProtocol {
    let config: ServerConfig
    let store: any TetherStorage
    let passwords: PasswordHasher
    let authenticator: Authenticator
    let metrics: PrometheusCollectorRegistry
    /// Wrong pairing codes and claims of serials paired elsewhere, per client address.
    let failedClaims: AddressLimiter
    /// Registrations per client address.
    let registrations: AddressLimiter
    let alerts: AlertService
    let hub: AlertHub
    let routing: RegionRouting
    /// Accounts moving away from this region right now, and their writes in flight.
    let moves: AccountMoves
    /// Backups; `nil` answers their endpoints with `503 backups_unavailable`.
    var backups: BackupVault?
    /// Account replication; `nil` (no backups) answers its endpoints with `503 replication_unavailable`.
    var replicas: AccountReplicas?
    /// The background jobs, which operators can run a pass of (`POST /v1/operator/jobs/{job}/run`).
    var jobs = BackgroundJobs()

    init(
        config: ServerConfig,
        store: any TetherStorage,
        metrics: PrometheusCollectorRegistry,
        alerts: AlertService,
        hub: AlertHub,
        routing: RegionRouting,
        moves: AccountMoves
    ) {
        self.config = config
        self.moves = moves
        self.routing = routing
        self.store = store
        self.alerts = alerts
        self.hub = hub
        self.passwords = PasswordHasher(cost: config.bcryptCost)
        self.authenticator = Authenticator(
            store: store,
            clock: config.clock,
            routing: routing,
            moves: moves,
            credentialFailures: AddressLimiter(
                limit: SlidingWindowLimit(limit: config.credentialFailureLimit, window: config.credentialFailureWindow)
            )
        )
        self.metrics = metrics
        self.failedClaims = AddressLimiter(
            limit: SlidingWindowLimit(limit: config.claimFailureLimit, window: config.claimFailureWindow)
        )
        self.registrations = AddressLimiter(
            limit: SlidingWindowLimit(limit: config.registrationAddressLimit, window: .seconds(3_600))
        )
    }

    var now: Date { self.config.clock() }
    var logger: Logger { RequestScope.current.logger }
}
