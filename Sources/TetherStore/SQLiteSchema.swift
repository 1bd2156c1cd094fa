import GRDB

/// The versioned schema. Add a migration for each change; never edit a shipped one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: accounts, sessions, devices, pairing") { db in
            try db.create(table: "account") { t in
                t.primaryKey("id", .text)
                t.column("email", .text).notNull().unique()
                t.column("password_hash", .text).notNull()
                t.column("home_region", .text).notNull()
                t.column("signup_latitude", .double)
                t.column("signup_longitude", .double)
                t.column("requested_region", .text)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("id", .text)
                t.column("account_id", .text).notNull().indexed().references("account", onDelete: .cascade)
                t.column("access_token_hash", .text).notNull().unique()
                t.column("access_expires_at", .datetime).notNull()
                t.column("refresh_token_hash", .text).notNull().unique()
                t.column("refresh_expires_at", .datetime).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "device") { t in
                t.primaryKey("id", .text)
                t.column("account_id", .text).notNull().indexed().references("account", onDelete: .cascade)
                t.column("serial", .text).notNull().unique()
                t.column("model", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("hardware_version", .text)
                t.column("software_version", .text)
                t.column("credential_hash", .text).notNull().unique()
                t.column("paired_at", .datetime).notNull()
                t.column("last_seen", .datetime)
            }
            try db.create(table: "pairing_request") { t in
                t.primaryKey("id", .text)
                t.column("account_id", .text).notNull().indexed().references("account", onDelete: .cascade)
                t.column("code_hash", .text).notNull().unique()
                t.column("created_at", .datetime).notNull().indexed()
                t.column("expires_at", .datetime).notNull()
                t.column("claimed_at", .datetime)
                t.column("device_id", .text).references("device", onDelete: .setNull)
            }
            try db.create(table: "failed_sign_in") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("email", .text).notNull().indexed()
                t.column("at", .datetime).notNull()
            }
            try db.create(table: "operator_token") { t in
                t.primaryKey("token_hash", .text)
                t.column("created_at", .datetime).notNull()
            }
        }
        return migrator
    }
}
