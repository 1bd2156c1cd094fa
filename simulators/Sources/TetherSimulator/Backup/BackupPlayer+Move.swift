import Foundation
import TetherAPI
import TetherClient
import TetherCore

extension BackupPlayer {
    /// Moves the account to `region` and checks that its backups went along: the receipt counts
    /// every snapshot, the new home lists them all, and the old home answers the account with
    /// `421 wrong_region` naming the new one. Later steps talk to the new home; its file cache
    /// starts empty (one per server), so the next push reads every file.
    mutating func move(to region: String, into result: inout BackupStepResult) async throws {
        let from = self.region
        let old = self.serverURL
        let receipt = try await APIStep(serverURL: old)("moving the account from \(from) to \(region)") {
            try await self.client(old).moveAccount(body: .json(.init(region: region))).ok.body.json
        }
        guard let home = URL(string: receipt.url) else {
            throw SimulationError("the move's receipt names no usable URL: '\(receipt.url)'")
        }
        result.move = .init(
            from: from,
            to: receipt.region,
            url: receipt.url,
            snapshots: receipt.snapshots,
            chunks: receipt.chunks
        )
        if receipt.region != region { self.problem(result, "moved to \(receipt.region), asked for \(region)") }
        if let listed = self.options.regionServers[region], listed.absoluteString != home.absoluteString {
            self.problem(
                result,
                "the receipt names \(home.absoluteString), the region directory \(listed.absoluteString)"
            )
        }
        if receipt.snapshots != self.snapshots.count {
            self.problem(
                result,
                "the receipt counts \(receipt.snapshots) snapshots, \(self.snapshots.count) were pushed"
            )
        }
        self.serverURL = home
        self.region = receipt.region
        self.vouched = [:]

        let listed = try await APIStep(serverURL: home)("listing the snapshots at the new home") {
            try await self.client(home).listBackupSnapshots().ok.body.json.map(\.id)
        }
        if listed != self.snapshots.map(\.id) {
            self.problem(result, "the new home lists snapshots \(listed), pushed \(self.snapshots.map(\.id))")
        }
        var oldAnswer = "answered"
        do {
            _ = try await self.client(old).listBackupSnapshots().ok
            self.problem(result, "the old home \(from) still lists the account's snapshots after the move")
        } catch {
            let problem = TetherClientFailure.problem(error)
            oldAnswer = problem.map { "\($0.status) \($0.code)" } ?? TetherClientFailure.describe(error, serverURL: old)
            if problem?.code != "wrong_region" || problem?.problem.homeURL != receipt.url {
                self.problem(
                    result,
                    "the old home answered \(oldAnswer), expected 421 wrong_region naming \(receipt.url)"
                )
            }
        }
        result.line =
            "move \(result.number): from \(from) to \(receipt.region) (\(receipt.url)) with \(receipt.snapshots) "
            + "snapshots and \(receipt.chunks) chunks; the new home lists them all, the old one answers \(oldAnswer)"
    }
}
