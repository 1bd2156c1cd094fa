// What a decoder cannot check about backups: that each step has what it needs before it (a push
// before a restore, enough files for an edit), that an interrupted push is resumed, and that a
// move names a region of the scenario.

extension ScenarioValidation {
    static func checkBackups(_ scenario: Scenario, file: String) throws(ScenarioError) {
        let regions = scenario.regions.map(\.id)
        for (ownerIndex, owner) in scenario.owners.enumerated() {
            guard let backup = owner.backup else { continue }
            var files = backup.tree.files
            var snapshots = 0
            var interrupted = false
            for (index, step) in backup.steps.enumerated() {
                let field = "owners[\(ownerIndex)].backup.steps[\(index)]"
                func fail(_ problem: String) -> ScenarioError {
                    ScenarioError(file: file, field: field, problem: problem)
                }
                if interrupted, !step.isPush {
                    throw fail("a push interrupted by a restart must be followed by a push that resumes it")
                }
                switch step {
                case .push(let restartAfter):
                    interrupted = restartAfter != nil
                    if !interrupted { snapshots += 1 }
                case .edit(let edit):
                    guard edit.change + edit.delete + edit.touch <= files else {
                        throw fail(
                            "changes, deletes and touches \(edit.change + edit.delete + edit.touch) files of \(files)"
                        )
                    }
                    files += edit.add - edit.delete
                    guard files > 0 else { throw fail("leaves the tree without files") }
                case .restore(let snapshot):
                    guard snapshots > 0 else { throw fail("a restore needs a complete push before it") }
                    if let snapshot, snapshot > snapshots {
                        throw fail("snapshot \(snapshot): only \(snapshots) push(es) complete before it")
                    }
                case .verify:
                    guard snapshots > 0 else { throw fail("a verify needs a complete push before it") }
                case .move(let region):
                    guard !regions.isEmpty else { throw fail("a move needs the scenario's regions") }
                    guard regions.contains(region) else {
                        throw fail("no region '\(region)' (regions: \(regions.sorted().joined(separator: ", ")))")
                    }
                }
            }
            if interrupted {
                throw ScenarioError(
                    file: file,
                    field: "owners[\(ownerIndex)].backup.steps[\(backup.steps.count - 1)]",
                    problem: "a push interrupted by a restart must be followed by a push that resumes it"
                )
            }
        }
    }
}
