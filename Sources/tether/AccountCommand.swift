import ArgumentParser

/// `tether account …`: register, sign in and out, export, move or delete the account, and the
/// account's emergency contact and alert webhook.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Register, log in, export, move or delete your account; its emergency contact and webhook.",
        subcommands: [
            Register.self, Login.self, Logout.self, Whoami.self, Export.self, Move.self, Delete.self,
            EmergencyContact.self, Webhook.self,
        ]
    )
}
