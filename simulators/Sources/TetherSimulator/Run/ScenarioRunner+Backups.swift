import Foundation

// The owners' phone backups: played after the alerts are in and the streams closed, since a
// move takes the account (and its alert stream) to another server.

extension ScenarioRunner {
    /// Plays each owner's backup steps, owner after owner, each tree in a scratch directory of
    /// its own that is removed after; progress lines read `[name] ada: backup push 1 …`.
    func playBackups(
        _ scenario: Scenario,
        owners: [ProvisionedOwner],
        name: String,
        tag: String
    ) async -> (results: [BackupStepResult], problems: [String]) {
        var options = self.options
        let sink = self.options.progress
        options.progress = { sink("[\(name)] \($0)") }
        var results: [BackupStepResult] = []
        var problems: [String] = []
        for owner in owners {
            guard let spec = owner.spec.backup else { continue }
            let scratch = FileManager.default.temporaryDirectory
                .appendingPathComponent("tether-sim-backup-\(tag)-\(owner.spec.name)-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: scratch) }
            do {
                var player = try BackupPlayer(
                    owner: owner,
                    spec: spec,
                    seed: scenario.seed,
                    options: options,
                    scratch: scratch
                )
                await player.play(spec.steps)
                results += player.results
                problems += player.problems
            } catch {
                problems.append("\(owner.spec.name): cannot make the backup tree in \(scratch.path): \(error)")
            }
        }
        return (results, problems)
    }
}
