import Foundation
import Testing
import TetherSimulator
import TetherTesting

/// The backup scenarios against real `tetherd` servers on loopback: a phone's tree pushed, edited,
/// pushed again, restored and verified; a push cut by a real restart of its server, then resumed;
/// a backup that moves with its account to another region.
@Suite(.serialized) struct BackupScenarioTests {
    static func load(_ name: String) throws -> Scenario {
        try ScenarioLoader.load(contentsOf: ScenarioSuiteTests.scenarios.appendingPathComponent("\(name).json"))
    }

    /// The results of `result`'s steps of `kind`, in order.
    static func steps(_ result: ScenarioResult, _ kind: String) -> [BackupStepResult] {
        result.backups.filter { $0.step.name == kind }
    }

    @Test(.timeLimit(.minutes(3))) func aRepushSendsOnlyTheChangedFilesAndRestoresEqualTheTree() async throws {
        let scenario = try Self.load("backup-phone-edit-repush")
        let directory = TemporaryDirectory.make(prefix: "tether-sim-backup")
        defer { TemporaryDirectory.remove(directory) }
        let token = try await TetherdProcess.operatorToken(dataDirectory: directory)
        let server = try await TetherdProcess.start(
            dataDirectory: directory,
            arguments: ScenarioSuiteTests.serverArguments
        )
        defer { server.command.send(signal: SIGTERM) }

        let options = RunOptions(serverURL: server.baseURL, timeout: .seconds(60), operatorToken: token)
        let result = await ScenarioRunner(options: options).run(scenario)
        #expect(result.passed, "\(result.problems)")

        let pushes = Self.steps(result, "push").compactMap(\.push)
        try #require(pushes.count == 3)
        let edit = try #require(Self.steps(result, "edit").first?.edit)
        #expect(edit.changed == 3 && edit.added == 2 && edit.deleted == 2 && edit.touched == 2)
        // The first push sends every chunk of the tree and reads every file.
        #expect(pushes[0].files == 24)
        #expect(pushes[0].sentChunks == pushes[0].chunks && pushes[0].sentBytes == pushes[0].bytes)
        #expect(pushes[0].readBytes == pushes[0].bytes && pushes[0].reusedBytes == 0)
        // The second sends exactly the rewritten and added files, in fewer chunks; the rest is reused.
        #expect(pushes[1].files == 24 + 2 - 2)
        #expect(pushes[1].sentBytes == edit.newBytes && edit.newBytes > 0)
        #expect(pushes[1].sentChunks > 0 && pushes[1].sentChunks < pushes[0].sentChunks)
        #expect(pushes[1].reusedBytes == pushes[1].bytes - edit.newBytes)
        // It reads the new bytes and the touched files, not the files the cache vouches for.
        #expect(pushes[1].readBytes == pushes[1].expectedReadBytes)
        #expect(pushes[1].readBytes > edit.newBytes && pushes[1].readBytes < pushes[1].bytes)
        // Nothing changed: nothing sent, nothing read.
        #expect(pushes[2].sentChunks == 0 && pushes[2].sentBytes == 0 && pushes[2].readBytes == 0)
        #expect(Set(pushes.map(\.snapshotID)).count == 3)

        let restores = Self.steps(result, "restore").compactMap(\.restore)
        #expect(restores.map(\.snapshot) == [2, 1])
        #expect(restores.map(\.files) == [24, 24])
        #expect(restores.allSatisfy { $0.differences.isEmpty })
        #expect(restores[0].bytes == pushes[1].bytes && restores[1].bytes == pushes[0].bytes)

        let verifies = Self.steps(result, "verify").compactMap(\.verify)
        #expect(verifies.map(\.deep) == [false, true])
        #expect(verifies.allSatisfy { $0.ok && $0.problems == 0 && $0.checkedSnapshots == 2 })
        #expect(verifies[1].downloadedChunks == verifies[1].checkedChunks)
    }

    @Test(.timeLimit(.minutes(3))) func aPushCutByAServerRestartResumesWithOnlyTheRest() async throws {
        let scenario = try Self.load("backup-interrupted-push-resumes")
        let directory = TemporaryDirectory.make(prefix: "tether-sim-backup")
        defer { TemporaryDirectory.remove(directory) }
        let token = try await TetherdProcess.operatorToken(dataDirectory: directory)
        let server = try await RestartableServer(
            dataDirectory: directory,
            arguments: ScenarioSuiteTests.serverArguments
        )
        defer { server.terminate() }

        let options = RunOptions(
            serverURL: server.baseURL,
            timeout: .seconds(60),
            operatorToken: token,
            serverRestarter: server.restarter
        )
        let result = await ScenarioRunner(options: options).run(scenario)
        #expect(result.passed, "\(result.problems)")
        // The server really went down and came back, once.
        #expect(server.restarts.stops == 1 && server.restarts.starts == 1)

        let cut = try #require(Self.steps(result, "push").first?.interruption)
        #expect(cut.storedChunks > 0)
        #expect(cut.storedBytes * 100 >= cut.ofBytes * 40 && cut.storedBytes < cut.ofBytes)
        #expect(cut.failure.contains("127.0.0.1:\(server.port)"), "\(cut.failure)")
        // The resumed push sends only what the cut one did not get stored: each chunk once in all.
        let resumed = try #require(Self.steps(result, "push").last?.push)
        #expect(resumed.sentChunks == resumed.chunks - cut.storedChunks)
        #expect(resumed.sentBytes == resumed.bytes - cut.storedBytes)
        #expect(resumed.reusedBytes == cut.storedBytes)
        #expect(resumed.bytes == cut.ofBytes && resumed.files == 30)

        let restore = try #require(Self.steps(result, "restore").first?.restore)
        #expect(restore.differences.isEmpty && restore.files == 30 && restore.bytes == resumed.bytes)
        let verify = try #require(Self.steps(result, "verify").first?.verify)
        #expect(verify.ok && verify.deep && verify.checkedSnapshots == 1)
        #expect(verify.checkedChunks == resumed.chunks && verify.downloadedChunks == resumed.chunks)
    }

    @Test(.timeLimit(.minutes(3))) func aBackupMovesWithItsAccountToAnotherRegion() async throws {
        let scenario = try Self.load("backup-survives-account-move")
        let regions = try await RegionScenarioTests.Regions.start(for: [scenario])
        defer { regions.stop() }
        let servers = try RegionDirectory.servers(contentsOf: regions.file)
        let options = RunOptions(regionServers: servers, timeout: .seconds(60), operatorToken: regions.operatorToken)
        let result = await ScenarioRunner(options: options).run(scenario)
        #expect(result.passed, "\(result.problems)")
        #expect(result.homeRegions == ["ada": "eu"])

        let move = try #require(Self.steps(result, "move").first?.move)
        #expect(move.from == "eu" && move.to == "us")
        #expect(move.url == servers["us"]?.absoluteString)
        #expect(move.snapshots == 2 && move.chunks > 0)

        let pushes = Self.steps(result, "push").compactMap(\.push)
        try #require(pushes.count == 4)
        // At the new home: every file read (a new server, an empty file cache), nothing sent.
        #expect(pushes[2].sentBytes == 0 && pushes[2].sentChunks == 0 && pushes[2].readBytes == pushes[2].bytes)
        // After another edit, only its bytes travel.
        let edits = Self.steps(result, "edit").compactMap(\.edit)
        #expect(pushes[3].sentBytes == edits[1].newBytes && pushes[3].sentChunks > 0)
        #expect(pushes[1].sentBytes == edits[0].newBytes)

        // Both snapshots restore from the new region equal to the tree as pushed.
        let restores = Self.steps(result, "restore")
        #expect(restores.map { $0.restore?.snapshot } == [2, 1])
        #expect(restores.allSatisfy { $0.restore?.differences == [] && $0.line.contains("from us") })
        let verify = try #require(Self.steps(result, "verify").first?.verify)
        #expect(verify.ok && verify.checkedSnapshots == 2 && (verify.downloadedChunks ?? 0) > 0)
    }

    @Test func aScenarioThatRestartsItsServerNeedsARestartCommand() async throws {
        let result = try await CommandRunner("tether-sim").run(
            ["run", "backup-interrupted-push-resumes", "--server", "http://127.0.0.1:9"]
        )
        #expect(result.status != 0)
        #expect(
            result.stderr.contains(
                "backup-interrupted-push-resumes needs a way to restart its server (--restart-command CMD)"
            ),
            "\(result.stderr)"
        )
    }

    @Test func backupFieldsAreCheckedNamingTheField() throws {
        func problem(_ backup: String, regions: String = "") -> String? {
            let json =
                #"{"start": "now", \#(regions)"owners": [{"name": "ada", "devices": [{"name": "p", "kind": "phone"}], "backup": \#(backup)}]}"#
            do {
                _ = try ScenarioLoader.decode(Data(json.utf8), file: "b.json")
                return nil
            } catch {
                return error.description
            }
        }
        let tree = #""tree": {"files": 3}"#
        #expect(problem(#"{\#(tree), "steps": [{"step": "push"}, {"step": "restore"}]}"#) == nil)
        #expect(
            problem(#"{\#(tree), "steps": [{"step": "push", "deep": true}]}"#)?
                .hasPrefix("b.json: owners[0].backup.steps[0].deep: unknown field (known: restart_server_after, step)")
                == true
        )
        #expect(
            problem(#"{\#(tree), "steps": [{"step": "pull"}]}"#)
                == "b.json: owners[0].backup.steps[0].step: 'pull' is not one of edit, move, push, restore, verify"
        )
        #expect(
            problem(#"{\#(tree), "steps": [{"step": "push", "restart_server_after": "140%"}]}"#)
                == "b.json: owners[0].backup.steps[0].restart_server_after: must be a percentage above 0 and below 100, like 40%"
        )
        #expect(
            problem(#"{\#(tree), "steps": [{"step": "restore"}]}"#)
                == "b.json: owners[0].backup.steps[0]: a restore needs a complete push before it"
        )
        #expect(
            problem(#"{\#(tree), "steps": [{"step": "push", "restart_server_after": "40%"}, {"step": "verify"}]}"#)
                == "b.json: owners[0].backup.steps[1]: a push interrupted by a restart must be followed by a push that resumes it"
        )
        #expect(
            problem(#"{\#(tree), "steps": [{"step": "push"}, {"step": "edit", "change": 2, "delete": 2}]}"#)
                == "b.json: owners[0].backup.steps[1]: changes, deletes and touches 4 files of 3"
        )
        #expect(
            problem(#"{\#(tree), "steps": [{"step": "move", "to": "us"}]}"#)
                == "b.json: owners[0].backup.steps[0]: a move needs the scenario's regions"
        )
        #expect(
            problem(#"{"tree": {"files": 3, "max_size": "2 parsecs"}, "steps": [{"step": "push"}]}"#)
                == "b.json: owners[0].backup.tree.max_size: must be a size like 64KiB, 1.5MiB or a number of bytes, not '2 parsecs'"
        )
        #expect(
            problem(#"{"tree": {"files": 3, "size": "1MiB"}, "steps": [{"step": "push"}]}"#)?
                .hasPrefix("b.json: owners[0].backup.tree.size: unknown field") == true
        )
    }
}
