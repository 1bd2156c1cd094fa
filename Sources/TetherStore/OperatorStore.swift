public import Foundation

/// Stores operator tokens (as digests) and answers service-wide questions for operators.
public protocol OperatorStore: Sendable {
    /// Adds an operator token digest.
    func addOperatorToken(hash: String, createdAt: Date) async throws

    /// Whether `hash` is the digest of an operator token.
    func isOperatorToken(hash: String) async throws -> Bool

    /// Counts across all accounts.
    func statistics(now: Date) async throws -> ServiceStatistics
}

/// Service-wide counts for operators.
public struct ServiceStatistics: Sendable, Hashable {
    /// Number of accounts.
    public var accounts: Int
    /// Number of paired devices.
    public var devices: Int
    /// Sessions whose refresh token is still valid.
    public var activeSessions: Int

    /// Creates a statistics value.
    public init(accounts: Int, devices: Int, activeSessions: Int) {
        self.accounts = accounts
        self.devices = devices
        self.activeSessions = activeSessions
    }
}
