import ArgumentParser
import Foundation
import TetherAPI

extension AccountCommand {
    /// `tether account register`: creates the account and saves the session.
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account and log in.",
            discussion: "Give the phone's location (--lat/--lon) or a region (--region) to choose the home region."
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "Your email address.")
        var email: String

        @Flag(help: "Read the password from standard input.")
        var passwordStdin = false

        // `.unconditional` so that negative values (`--lon -74.0`) are read as values, not options.
        @Option(parsing: .unconditional, help: "The phone's latitude in degrees.")
        var lat: Double?

        @Option(parsing: .unconditional, help: "The phone's longitude in degrees.")
        var lon: Double?

        @Option(help: "The home region to use instead of a location.")
        var region: String?

        func validate() throws {
            if (self.lat == nil) != (self.lon == nil) {
                throw ValidationError("--lat and --lon go together")
            }
            if self.lat != nil, self.region != nil {
                throw ValidationError("give either --lat/--lon or --region, not both")
            }
        }

        func run() async throws {
            try await AccountCommand.openSession(self.global, passwordFromStandardInput: self.passwordStdin) {
                client,
                password in
                let request = Components.Schemas.RegisterRequest(
                    email: self.email,
                    password: password,
                    latitude: self.lat,
                    longitude: self.lon,
                    region: self.region
                )
                return (
                    try await client.registerAccount(body: .json(request)).created.body.json,
                    "Registered and logged in as"
                )
            }
        }
    }

    /// `tether account login`: signs in and saves the session.
    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log in and save the session.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Your email address.")
        var email: String

        @Flag(help: "Read the password from standard input.")
        var passwordStdin = false

        func run() async throws {
            try await AccountCommand.openSession(self.global, passwordFromStandardInput: self.passwordStdin) {
                client,
                password in
                let request = Components.Schemas.SignInRequest(email: self.email, password: password)
                return (try await client.signIn(body: .json(request)).ok.body.json, "Logged in as")
            }
        }
    }

    /// `tether account logout`: revokes the session on the server and forgets it locally.
    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log out and forget the saved session.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (connection, session) = try ServerConnection.signedIn(self.global)
            do {
                _ = try await connection.call { try await $0.signOut().noContent }
            } catch let error as CLIError where error.status == 401 {
                // Already revoked or expired on the server: forgetting it locally is all that is left.
            }
            try await session.forget()
            try Output(self.global).emit(["logged_out": true]) { "Logged out." }
        }
    }

    /// `tether account whoami`: the signed-in account.
    struct Whoami: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the signed-in account.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let account = try await connection.call { try await $0.getAccount().ok.body.json }
            let output = AccountOutput(account: account)
            try Output(self.global).emit(output) { output.text }
        }
    }
}

extension AccountCommand {
    /// Register and login: read the password, ask the server for a session, save it in the
    /// profile and print the account. `request` returns the grant and the text's opening words.
    static func openSession(
        _ global: GlobalOptions,
        passwordFromStandardInput: Bool,
        request: (Client, String) async throws -> (Components.Schemas.SessionGrant, String)
    ) async throws {
        var profile = try Profile.load()
        let connection = try ServerConnection.anonymous(global, profile: profile)
        let password = try PasswordInput.read(fromStandardInput: passwordFromStandardInput)
        let ((grant, opening), server) = try await connection.followingHomeRegion(carrying: "the password") {
            try await request($0, password)
        }
        profile.apply(grant, server: server)
        // Later commands to this server trust the CA this one did, without repeating --ca-file.
        profile.caFile = connection.security.caFile
        try profile.save()
        let output = AccountOutput(account: grant.account)
        try Output(global).emit(output) { "\(opening) \(output.text)." }
    }
}
