import Foundation
public import TetherCore

/// The `fixes` column of an alert row: the fixes an alert was decided on, as the JSON array
/// ``TetherCore/AlertFix`` decodes from, written by hand for the hot path that raises alerts.
///
/// ```json
/// [{"source":"device","ts_ms":1000,"lat":52.52,"lon":13.405,"accuracy_m":8.0}]
/// ```
public enum StoredAlertFixes {
    /// The column text for `fixes` (sources are plain words, so nothing needs escaping).
    public static func text(_ fixes: [AlertFix]) -> String {
        "["
            + fixes.map { fix in
                "{\"source\":\"\(fix.source)\",\"ts_ms\":\(fix.time),\"lat\":\(fix.latitude),"
                    + "\"lon\":\(fix.longitude),\"accuracy_m\":\(fix.accuracyMeters)}"
            }
            .joined(separator: ",") + "]"
    }

    /// The fixes the column text holds.
    ///
    /// - Throws: `DecodingError` when the text is not such an array.
    public static func fixes(_ text: String) throws -> [AlertFix] {
        try JSONDecoder().decode([AlertFix].self, from: Data(text.utf8))
    }
}
