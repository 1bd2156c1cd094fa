/// The records an account is made of (`protocols/sync.md`, "Account records"): what its
/// replicas keep and what moves with it. Names are the wire's; columns the store's.
extension AccountRecordSet {
    /// The account itself (its home is where it is held, so it does not travel).
    public static let account = AccountRecordSet(
        "account",
        table: "account",
        owner: .account(column: "id"),
        single: true,
        homeColumn: "home_region",
        fields: [
            AccountField("id", .text),
            AccountField("email", .text),
            AccountField("password_hash", .text),
            AccountField("signup_latitude", .real, optional: true),
            AccountField("signup_longitude", .real, optional: true),
            AccountField("requested_region", .text, optional: true),
            AccountField("created_at_ms", column: "created_at", .instant),
        ]
    )

    /// Its paired devices.
    public static let devices = AccountRecordSet(
        "devices",
        table: "device",
        owner: .account(column: "account_id"),
        fields: [
            AccountField("id", .text),
            AccountField("serial", .text),
            AccountField("model", .text),
            AccountField("kind", .text),
            AccountField("name", .text),
            AccountField("hardware_version", .text, optional: true),
            AccountField("software_version", .text, optional: true),
            AccountField("credential_hash", .text),
            AccountField("paired_at_ms", column: "paired_at", .instant),
            AccountField("last_seen_ms", column: "last_seen", .instant, optional: true, movesOnly: true),
        ]
    )

    /// Where its alerts go besides the owner: the emergency contact and the webhook.
    public static let alertDelivery = AccountRecordSet(
        "alert_delivery",
        table: "account_alerting",
        owner: .account(column: "account_id"),
        single: true,
        fields: [
            AccountField("emergency_name", .text, optional: true),
            AccountField("emergency_phone", .text, optional: true),
            AccountField("webhook_url", .text, optional: true),
            AccountField("webhook_secret", .text, optional: true),
            AccountField("webhook_created_at_ms", column: "webhook_created_at", .instant, optional: true),
        ]
    )

    /// Its alert rules and do-not-disturb, account-wide (`device_id` null) and per device.
    public static let alertSettings = AccountRecordSet(
        "alert_settings",
        table: "alert_scope",
        owner: .account(column: "account_id"),
        fields: [
            AccountField("device_id", .text, optional: true, reference: .device),
            AccountField("allowed_distance_m", .real, optional: true),
            AccountField("dwell_s", .integer, optional: true),
            AccountField("low_battery_pct", .integer, optional: true),
            AccountField("silent_after_s", .integer, optional: true),
            AccountField("repeat_interval_s", .integer, optional: true),
            AccountField("phone_id", .text, optional: true),
            AccountField("dnd_enabled", .flag, optional: true),
            AccountField("snoozed_until_ms", column: "snoozed_until", .instant, optional: true),
        ]
    )

    /// Its fences and safe places.
    public static let fences = AccountRecordSet(
        "fences",
        table: "fence",
        owner: .account(column: "account_id"),
        fields: [
            AccountField("id", .text),
            AccountField("device_id", .text, optional: true, reference: .device),
            AccountField("name", .text),
            AccountField("role", .text),
            AccountField("geojson", .text),
            AccountField("created_at_ms", column: "created_at", .instant),
        ]
    )

    /// Its quiet windows (`days`: ISO weekdays, comma-separated).
    public static let quietWindows = AccountRecordSet(
        "quiet_windows",
        table: "quiet_window",
        owner: .account(column: "account_id"),
        fields: [
            AccountField("id", .text),
            AccountField("device_id", .text, optional: true, reference: .device),
            AccountField("days", .text),
            AccountField("start_minute", .integer),
            AccountField("end_minute", .integer),
            AccountField("time_zone", .text),
            AccountField("created_at_ms", column: "created_at", .instant),
        ]
    )

    /// The server replica's clock for settings sync: its edit counter and last hybrid stamp.
    public static let settingsClock = AccountRecordSet(
        "settings_clock",
        table: "setting_clock",
        owner: .account(column: "account_id"),
        single: true,
        fields: [
            AccountField("counter", column: "seq", .integer),
            AccountField("stamp_ms", .integer),
            AccountField("stamp_counter", .integer),
        ]
    )

    /// Each synced setting field's value with its version vector and hybrid stamp (JSON text).
    public static let settingFields = AccountRecordSet(
        "setting_fields",
        table: "setting_field",
        owner: .account(column: "account_id"),
        fields: [
            AccountField("collection", .text),
            AccountField("record", column: "record_id", .text),
            AccountField("field", .text),
            AccountField("value", .text),
            AccountField("vector", .text),
            AccountField("stamp_ms", .integer),
            AccountField("stamp_counter", .integer),
            AccountField("stamp_replica", .text),
            AccountField("counter", column: "seq", .integer),
        ]
    )

    /// The settings-sync conflict log.
    public static let settingConflicts = AccountRecordSet(
        "setting_conflicts",
        table: "setting_conflict",
        owner: .account(column: "account_id"),
        fields: [
            AccountField("collection", .text),
            AccountField("record", column: "record_id", .text),
            AccountField("field", .text),
            AccountField("reason", .text),
            AccountField("losing", .text),
            AccountField("winning", .text),
            AccountField("detected_at_ms", column: "detected_at", .instant),
        ]
    )

    /// Its signed-in sessions (token digests only).
    public static let sessions = AccountRecordSet(
        "sessions",
        table: "session",
        owner: .account(column: "account_id"),
        fields: [
            AccountField("id", .text),
            AccountField("access_token_hash", .text),
            AccountField("access_expires_at_ms", column: "access_expires_at", .instant),
            AccountField("refresh_token_hash", .text),
            AccountField("refresh_expires_at_ms", column: "refresh_expires_at", .instant),
            AccountField("created_at_ms", column: "created_at", .instant),
        ]
    )

    /// Its alert log.
    public static let alerts = AccountRecordSet(
        "alerts",
        table: "alert",
        owner: .account(column: "account_id"),
        fields: [
            AccountField("id", .text),
            AccountField("device_id", .text, reference: .device),
            AccountField("kind", .text),
            AccountField("rule", .text),
            AccountField("episode_start_ms", .integer),
            AccountField("decided_ms", .integer),
            AccountField("reason", .text),
            AccountField("fixes", .text),
            AccountField("suppressed_by", .text, optional: true),
            AccountField("ended_ms", .integer, optional: true),
            AccountField("acknowledged_at_ms", column: "acknowledged_at", .instant, optional: true),
            AccountField("repeat_count", .integer),
            AccountField("created_at_ms", column: "created_at", .instant),
            AccountField("notified_ms", .integer, optional: true),
        ]
    )

    /// Webhook deliveries still queued (the new home delivers them).
    public static let webhookDeliveries = AccountRecordSet(
        "webhook_deliveries",
        table: "webhook_delivery",
        owner: .account(column: "account_id"),
        fields: [
            AccountField("alert_id", .text, reference: .alert),
            AccountField("attempts", .integer),
            AccountField("next_attempt_at_ms", column: "next_attempt_at", .instant),
            AccountField("last_error", .text, optional: true),
        ]
    )

    /// Each device's current state, as telemetry left it.
    public static let deviceStates = AccountRecordSet(
        "device_states",
        table: "device_state",
        owner: .device,
        fields: [
            AccountField("device_id", .text, reference: .device),
            AccountField("last_event_ms", .integer, optional: true),
            AccountField("model", .text, optional: true),
            AccountField("hardware_version", column: "hw_version", .text, optional: true),
            AccountField("software_version", column: "sw_version", .text, optional: true),
            AccountField("signal_dbm", .integer, optional: true),
            AccountField("battery_pct", .integer, optional: true),
            AccountField("ip", .text, optional: true),
            AccountField("properties_ms", .integer, optional: true),
            AccountField("latitude", column: "lat", .real, optional: true),
            AccountField("longitude", column: "lon", .real, optional: true),
            AccountField("accuracy_m", .real, optional: true),
            AccountField("location_source", .text, optional: true),
            AccountField("speed_mps", .real, optional: true),
            AccountField("heading_deg", .real, optional: true),
            AccountField("location_ms", .integer, optional: true),
            AccountField("connection", .text, optional: true),
            AccountField("connection_since_ms", .integer, optional: true),
            AccountField("connection_ms", .integer, optional: true),
            AccountField("last_connected_ms", .integer, optional: true),
        ]
    )

    /// Its devices' telemetry events (`payload`: the event as `WIRE.md` shapes it).
    public static let telemetryEvents = AccountRecordSet(
        "telemetry_events",
        table: "telemetry_event",
        owner: .deviceNumber(column: "device"),
        fields: [
            AccountField("device_id", .text, reference: .device),
            AccountField("event_id", .bytes),
            AccountField("ts_ms", .integer),
            AccountField("kind", .text),
            AccountField("received_ms", .integer),
            AccountField("payload", .text),
        ]
    )

    /// Its devices' hardware and software version changes.
    public static let versionChanges = AccountRecordSet(
        "version_changes",
        table: "version_change",
        owner: .deviceNumber(column: "device"),
        fields: [
            AccountField("device_id", .text, reference: .device),
            AccountField("ts_ms", .integer),
            AccountField("hardware_version", column: "hw_version", .text, optional: true),
            AccountField("software_version", column: "sw_version", .text, optional: true),
            AccountField("previous_hardware_version", column: "previous_hw_version", .text, optional: true),
            AccountField("previous_software_version", column: "previous_sw_version", .text, optional: true),
        ]
    )

    /// Its devices' connection periods.
    public static let connectionPeriods = AccountRecordSet(
        "connection_periods",
        table: "connection_period",
        owner: .deviceNumber(column: "device"),
        fields: [
            AccountField("device_id", .text, reference: .device),
            AccountField("connected_ms", .integer),
            AccountField("disconnected_ms", .integer, optional: true),
        ]
    )

    /// Its devices' daily usage per function and operation.
    public static let dailyUsage = AccountRecordSet(
        "daily_usage",
        table: "daily_usage",
        owner: .deviceNumber(column: "device"),
        fields: [
            AccountField("device_id", .text, reference: .device),
            AccountField("day", .text),
            AccountField("function", .text),
            AccountField("operation", .text),
            AccountField("count", .integer),
            AccountField("duration_ms", .integer),
        ]
    )
}

extension AccountRecordSet {
    /// The sets of the `settings` replica record, in the order they are written (a record's
    /// references before it).
    public static let replicated: [AccountRecordSet] = [
        .account, .devices, .alertDelivery, .alertSettings, .fences, .quietWindows, .settingsClock,
        .settingFields, .settingConflicts,
    ]

    /// Every set that moves with the account, in the order they are written: the replicated
    /// ones, its sessions, alert log and queued webhook deliveries, and its devices' state and
    /// telemetry history.
    public static let moved: [AccountRecordSet] =
        Self.replicated + [
            .sessions, .alerts, .webhookDeliveries, .deviceStates, .telemetryEvents, .versionChanges,
            .connectionPeriods, .dailyUsage,
        ]
}
