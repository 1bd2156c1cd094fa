import Foundation
import OpenAPIAsyncHTTPClient
import TetherAPI
import TetherBackupClient
import TetherClient

/// Plays one owner's backup steps as the phone's app would, through ``TetherBackupClient`` over
/// HTTP only, and judges each against a model of what the server must hold: a push sends exactly
/// the bytes the server lacks and reads only the files the file cache cannot vouch for; a
/// restore equals the tree as it was pushed, byte for byte; a verify finds nothing wrong; a move
/// takes every snapshot along.
struct BackupPlayer {
    let owner: String
    let accountID: String
    let accessToken: String
    let options: RunOptions
    let progress: @Sendable (String) -> Void
    /// Where the tree, the file cache and the restores live; removed by the caller.
    let scratch: URL

    /// The account's home server and region now (a move changes them).
    var serverURL: URL
    var region: String
    var tree: PhoneTree
    /// Files (`path#version`) whose bytes the server holds.
    var stored: Set<String> = []
    /// Chunks and bytes an interrupted push stored since the last complete push.
    var partialChunks = 0
    var partialBytes: Int64 = 0
    /// Files as the last complete push to this server saw them: the file cache vouches for these.
    var vouched: [String: PhoneTree.File] = [:]
    /// Each complete push's snapshot and the files it held.
    var snapshots: [(id: String, files: [String: PhoneTree.File])] = []
    var results: [BackupStepResult] = []
    var problems: [String] = []

    /// A player for `owner`'s backup, its tree made under `scratch`.
    init(owner: ProvisionedOwner, spec: BackupSpec, seed: UInt64, options: RunOptions, scratch: URL) throws {
        self.owner = owner.spec.name
        self.accountID = owner.accountID
        self.accessToken = owner.accessToken
        self.options = options
        self.scratch = scratch
        self.serverURL = owner.serverURL
        self.region = owner.region
        self.tree = try PhoneTree(spec: spec.tree, seed: seed, owner: owner.spec.name, in: scratch)
        let name = owner.spec.name
        let progress = options.progress
        self.progress = { progress("\(name): \($0)") }
    }

    /// Plays `steps` in order; a step that fails outright (a request refused) ends the owner's
    /// backup with a problem, as later steps would only fail after it.
    mutating func play(_ steps: [BackupStep]) async {
        self.progress(
            "backup tree of \(self.tree.files.count) files (\(ByteText.format(self.tree.bytes))) in "
                + self.tree.spec.folders.joined(separator: ", ")
        )
        for (index, step) in steps.enumerated() {
            var result = BackupStepResult(owner: self.owner, number: index + 1, step: step)
            do {
                switch step {
                case .push(let restartAfter?):
                    try await self.interruptedPush(restartAfter: restartAfter, into: &result)
                case .push:
                    try await self.push(into: &result)
                case .edit(let edit):
                    try self.edit(edit, into: &result)
                case .restore(let snapshot):
                    try await self.restore(snapshot, into: &result)
                case .verify(let deep):
                    try await self.verify(deep: deep, into: &result)
                case .move(let region):
                    try await self.move(to: region, into: &result)
                }
            } catch {
                result.line = "\(step.name) \(index + 1) failed: \(error)"
                self.problems.append("\(self.owner): backup step \(index + 1) (\(step.name)) failed: \(error)")
                self.progress("backup \(result.line)")
                self.results.append(result)
                return
            }
            self.progress("backup \(result.line)")
            self.results.append(result)
        }
    }

    /// Records a problem of step `number`.
    mutating func problem(_ result: BackupStepResult, _ text: String) {
        self.problems.append("\(self.owner): backup step \(result.number) (\(result.step.name)): \(text)")
    }

    /// The backup client's view of the home server, signed in as the owner.
    func server() -> ClientBackupServer {
        ClientBackupServer(serverURL: self.serverURL, client: self.client(self.serverURL))
    }

    /// A client of `url` signed in as the owner.
    func client(_ url: URL) -> Client {
        TetherClientFactory.client(
            serverURL: url,
            tokens: StaticToken(self.accessToken),
            transport: AsyncHTTPClientTransport(configuration: .init(client: BackupHTTPClient.shared))
        )
    }

    // MARK: Edit, restore, verify

    private mutating func edit(_ edit: BackupEdit, into result: inout BackupStepResult) throws {
        let done = try self.tree.apply(edit)
        for path in done.changed + done.deleted + done.touched { self.vouched[path] = nil }
        let newBytes = (done.changed + done.added).reduce(Int64(0)) { $0 + Int64(self.tree.files[$1]!.size) }
        result.edit = .init(
            changed: done.changed.count,
            added: done.added.count,
            deleted: done.deleted.count,
            touched: done.touched.count,
            newBytes: newBytes
        )
        result.line =
            "edit \(result.number): \(done.changed.count) changed, \(done.added.count) added, "
            + "\(done.deleted.count) deleted, \(done.touched.count) touched (\(ByteText.format(newBytes)) new); "
            + "\(self.tree.files.count) files (\(ByteText.format(self.tree.bytes)))"
    }

    private mutating func restore(_ number: Int?, into result: inout BackupStepResult) async throws {
        let index = (number ?? self.snapshots.count) - 1
        let snapshot = self.snapshots[index]
        let target = self.scratch.appendingPathComponent("restore-\(result.number)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: target) }
        let summary = try await BackupRestore(server: self.server()).run(snapshot: snapshot.id, into: target.path)
        let differences = self.tree.differences(
            of: target.appendingPathComponent(self.tree.root.lastPathComponent),
            from: snapshot.files
        )
        result.restore = .init(
            snapshot: index + 1,
            files: summary.files,
            bytes: summary.bytes,
            differences: differences
        )
        let bytes = snapshot.files.values.reduce(Int64(0)) { $0 + Int64($1.size) }
        result.line =
            "restore \(result.number): snapshot \(index + 1) from \(self.region), \(summary.files) files "
            + "(\(ByteText.format(summary.bytes))) into an empty directory: "
            + (differences.isEmpty
                ? "equal to the tree as pushed, byte for byte" : "\(differences.count) difference(s)")
        if !differences.isEmpty {
            self.problem(
                result,
                "the restore differs from the tree as pushed: \(differences.prefix(5).joined(separator: "; "))"
            )
        }
        if summary.files != snapshot.files.count || summary.bytes != bytes {
            self.problem(
                result,
                "restored \(summary.files) files (\(summary.bytes) bytes), pushed \(snapshot.files.count) (\(bytes) bytes)"
            )
        }
    }

    private mutating func verify(deep: Bool, into result: inout BackupStepResult) async throws {
        let report = try await BackupVerify(server: self.server()).run(deep: deep)
        result.verify = .init(
            ok: report.ok,
            deep: deep,
            checkedChunks: report.checkedChunks,
            checkedSnapshots: report.checkedSnapshots,
            downloadedChunks: report.downloadedChunks,
            problems: report.problemCount
        )
        result.line =
            "verify \(result.number)\(deep ? " --deep" : ""): \(report.ok ? "ok" : "NOT ok"), the server checked "
            + "\(report.checkedChunks) chunks and \(report.checkedSnapshots) snapshots"
            + (report.downloadedChunks.map { ", downloaded and re-hashed \($0)" } ?? "")
        if !report.ok { self.problem(result, "\(report.problemCount) problem(s) found") }
        if report.checkedSnapshots != self.snapshots.count {
            self.problem(
                result,
                "the server checked \(report.checkedSnapshots) snapshots, \(self.snapshots.count) were pushed"
            )
        }
        if deep, (report.downloadedChunks ?? 0) == 0 { self.problem(result, "a deep verify downloaded no chunk") }
    }
}
