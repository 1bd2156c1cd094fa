// TetherDomain: the rules that sit above storage. Pure code over plain values from TetherCore
// and TetherGeo, no I/O: a store reads what a rule needs, the rule decides, and the store writes
// the records it is handed in one transaction.
//
// Parts:
// - Telemetry/ (`TelemetryDerivation`): what a batch of new events does to a device's derived
//   state, versions, connection periods, usage, statistics, landmarks and estimated positions.
// - `AccountChange`: which writes change an account's replicated data.
// - `AlertSettingsRules` and `SettingEditValidator`: one validation path for alert settings and
//   their caps, used by REST and settings sync alike.
