import Foundation
public import TetherCore

extension AlertSettingsRules {
    /// Whether `identifier` is a time zone a window may use: the rule of
    /// ``QuietWindow/init(days:start:end:timeZone:)``, asked of the value alone.
    public static func isTimeZone(_ identifier: String) -> Bool {
        (try? QuietWindow(
            days: [.monday],
            start: LocalTime(minutes: 0),
            end: LocalTime(minutes: 1),
            timeZone: identifier
        )) != nil
    }

    /// Checks a synced record as the merge would write it (`fields`: its every field, old and
    /// new): a fence needs a valid name, role and shape; a window valid days, start and end
    /// that differ, and a time zone. Other collections hold values that stand alone, checked
    /// edit by edit (``SettingEditValidator``). A deleted record is not checked.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `field` (the edit that brought the
    ///   record, `changes[3].record`), the detail naming the record and its field.
    public static func syncedRecord(
        _ id: (collection: SettingCollection, record: String),
        _ fields: [String: SettingValue],
        field: String
    ) throws(TetherError) {
        switch id.collection {
        case .fence:
            guard let name = fields["name"]?.string, let role = fields["role"]?.string,
                let geojson = fields["geojson"]?.string
            else { throw .invalidField(field, "is fence \(id.record), which needs name, role and geojson") }
            try Self.within(id, field: field) { () throws(TetherError) in
                _ = try Self.name(name, field: "name")
                guard FenceRole(rawValue: role) != nil else {
                    throw .invalidField("role", "must be keep_in, keep_out or safe")
                }
                _ = try Self.fenceShape(Data(geojson.utf8), field: "geojson")
            }
        case .quietWindow:
            guard let days = fields["days"]?.string, let start = fields["start_minute"]?.integer,
                let end = fields["end_minute"]?.integer, let timeZone = fields["time_zone"]?.string
            else {
                throw .invalidField(
                    field,
                    "is quiet window \(id.record), which needs days, start_minute, end_minute and time_zone"
                )
            }
            try Self.within(id, field: field) { () throws(TetherError) in
                let parts = days.split(separator: ",")
                let weekdays = parts.compactMap { Int($0).flatMap(Weekday.init(rawValue:)) }
                guard weekdays.count == parts.count, (0..<1_440).contains(start), (0..<1_440).contains(end) else {
                    throw .invalidField("days", "must be ISO weekdays, with start and end minutes of the day")
                }
                guard start != end else { throw .invalidField("end_minute", "must differ from start_minute") }
                _ = try Self.quietWindow(
                    days: Set(weekdays),
                    start: LocalTime(minutes: Int(start)),
                    end: LocalTime(minutes: Int(end)),
                    timeZone: timeZone
                )
            }
        case .device, .rules, .dnd:
            break
        }
    }

    /// Runs `check`, rethrowing its error under `field` with the record named.
    private static func within(
        _ id: (collection: SettingCollection, record: String),
        field: String,
        _ check: () throws(TetherError) -> Void
    ) throws(TetherError) {
        do {
            try check()
        } catch {
            throw .invalidField(field, "is \(id.collection.rawValue) \(id.record), whose \(error.detail)")
        }
    }
}
