import Foundation
import TetherTesting

/// One person's `tether` CLI against a test server: its own profile directory, the server in
/// `TETHER_SERVER`, and helpers for the steps most tests share.
struct CLIHarness {
    let runner: CommandRunner
    let configHome: URL

    init(server: TestServer) {
        self.init(serverURL: server.baseURL)
    }

    /// A CLI of `serverURL`, started through `launcher` when given (`faketime -f +1h`), with
    /// `environment` besides (`TETHER_CA_FILE`).
    init(serverURL: URL, launcher: [String] = [], environment: [String: String] = [:]) {
        self.configHome = TemporaryDirectory.make(prefix: "tether-cli")
        self.runner = CommandRunner(
            "tether",
            environment: environment.merging(
                ["XDG_CONFIG_HOME": self.configHome.path, "TETHER_SERVER": serverURL.absoluteString],
                uniquingKeysWith: { _, fixed in fixed }
            ),
            launcher: launcher
        )
    }

    /// Runs `tether ARGS`.
    func run(_ arguments: String..., input: String? = nil) async throws -> CommandRunner.Result {
        try await self.runner.run(arguments, standardInput: input)
    }

    /// Runs `tether ARGS` with arguments built at run time.
    func run(arguments: [String], input: String? = nil) async throws -> CommandRunner.Result {
        try await self.runner.run(arguments, standardInput: input)
    }

    /// Runs `tether account register --email EMAIL --password-stdin EXTRA…`, whatever it answers.
    func tryRegister(
        _ email: String,
        password: String = "correct horse battery",
        _ extra: String...
    ) async throws -> CommandRunner.Result {
        try await self.run(
            arguments: ["account", "register", "--email", email, "--password-stdin"] + extra,
            input: password + "\n"
        )
    }

    /// Registers `email` and returns the `--json` output.
    @discardableResult
    func register(_ email: String, password: String = "correct horse battery") async throws -> [String: Any] {
        let result = try await self.tryRegister(email, password: password, "--json")
        guard result.status == 0 else { throw HarnessError.failed(result) }
        return try result.jsonObject()
    }

    /// Asks for a pairing code (`--no-wait`) and returns it.
    func pairingCode() async throws -> String {
        let result = try await self.run("pair", "start", "--no-wait", "--json")
        guard result.status == 0, let code = try result.jsonObject()["code"] as? String else {
            throw HarnessError.failed(result)
        }
        return code
    }

    /// Claims `code` as a device and returns `(device_id, credential)`.
    func claim(_ code: String, serial: String, model: String = "TAG-1") async throws -> (id: String, credential: String)
    {
        let result = try await self.run("device", "claim", code, "--serial", serial, "--model", model, "--json")
        guard result.status == 0 else { throw HarnessError.failed(result) }
        let object = try result.jsonObject()
        guard let id = object["device_id"] as? String, let credential = object["credential"] as? String else {
            throw HarnessError.failed(result)
        }
        return (id, credential)
    }

    /// The profile file as JSON.
    func profile() throws -> [String: Any] {
        let url = self.configHome.appendingPathComponent("tether/config.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }
}

enum HarnessError: Error, CustomStringConvertible {
    case failed(CommandRunner.Result)

    var description: String {
        switch self {
        case .failed(let result): "tether exited \(result.status): \(result.stderr) \(result.stdout)"
        }
    }
}
