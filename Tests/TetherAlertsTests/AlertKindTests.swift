import Testing
import TetherAlerts
import TetherCore

/// The alert kinds' wire names are a stable contract (`../shared/CLI.md`).
@Suite("Alert kinds")
struct AlertKindTests {
    @Test
    func theKindsHaveTheirStableNames() {
        #expect(
            AlertKind.allCases.map(\.rawValue) == ["anti_lost", "keep_in", "keep_out", "sos", "low_battery", "silent"]
        )
    }

    @Test
    func onlyEmergenciesCannotBeSilenced() {
        #expect(AlertKind.allCases.filter { !$0.isSilenceable } == [.sos])
    }

    @Test
    func lostAndOutOfFenceRepeatTheRestAreToldOnce() {
        #expect(AlertKind.repeatable == [.antiLost, .keepIn, .keepOut])
        #expect(AlertKind.silenceable == [.antiLost, .keepIn, .keepOut, .lowBattery, .silent])
    }

    @Test
    func everySOSPressIsItsOwnAlertOtherRulesHaveOneOpenEpisode() {
        #expect(AlertKind.allCases.filter { !$0.hasOneOpenEpisodePerRule } == [.sos])
    }

    @Test
    func everyFenceRoleHasAWireName() {
        #expect(FenceRole.allCases.map(\.rawValue) == ["keep_in", "keep_out", "safe"])
    }
}
