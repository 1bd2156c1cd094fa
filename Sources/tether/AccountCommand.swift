import ArgumentParser

/// `tether account …`: register, sign in and out, export or delete the account.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Register, log in, export or delete your account.",
        subcommands: [Register.self, Login.self, Logout.self, Whoami.self, Export.self, Delete.self]
    )
}
