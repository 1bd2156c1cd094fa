import Foundation
import GRDB
import PropertyBased
import Testing
import TetherStore

/// Instants travel in ``StoredValue`` exactly as GRDB stores a `Date` in SQLite, so a backend
/// that keeps them in a type of its own ships the same text.
struct StoredValueDateTests {
    @Test func theTextIsGRDBsForAnyInstant() async {
        await propertyCheck(count: 2_000, input: Gen.double(in: -4_000_000_000...8_000_000_000)) { seconds in
            let date = Date(timeIntervalSince1970: seconds)
            guard case .string(let stored) = date.databaseValue.storage else {
                Issue.record("GRDB stored \(date) as \(date.databaseValue)")
                return
            }
            #expect(StoredValue.dateText(date) == stored, "\(seconds)")
        }
    }

    @Test func theTextReadsBackToItsMillisecond() async {
        await propertyCheck(count: 2_000, input: Gen.int64(in: -60_000_000_000_000...250_000_000_000_000)) { millis in
            let text = StoredValue.dateText(milliseconds: millis)
            #expect(StoredValue.dateMilliseconds(text) == millis, "\(text)")
        }
    }

    @Test func shorterFormsReadAndOthersDoNot() {
        #expect(StoredValue.dateMilliseconds("2026-01-01 00:00:00") == 1_767_225_600_000)
        #expect(StoredValue.dateMilliseconds("2026-01-01T00:00:01.5") == 1_767_225_601_500)
        #expect(StoredValue.dateMilliseconds("2026-01-01 00:00:00.12") == 1_767_225_600_120)
        #expect(StoredValue.dateText(milliseconds: 1_767_225_600_123) == "2026-01-01 00:00:00.123")
        #expect(StoredValue.dateText(milliseconds: -1) == "1969-12-31 23:59:59.999")
        for text in ["", "2026-01-01", "2026-13-01 00:00:00", "2026-01-01 00:00:00.", "2026-01-01 00:00:00.1234", "x"] {
            #expect(StoredValue.dateMilliseconds(text) == nil, "\(text)")
        }
    }
}
