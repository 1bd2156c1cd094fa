import Testing
import TetherCore

@Suite
struct AlertSettingsCapsTests {
    @Test
    func aWriteMayNotTakeAnAccountPastACap() {
        #expect(!AlertSettingsCaps.exceeds(1_000, before: 999, after: 1_000))
        #expect(AlertSettingsCaps.exceeds(1_000, before: 1_000, after: 1_001))
        #expect(AlertSettingsCaps.exceeds(1_000, before: 999, after: 1_002))
    }

    @Test
    func anAccountAlreadyPastACapMayStillEditAndDelete() {
        #expect(!AlertSettingsCaps.exceeds(1_000, before: 1_200, after: 1_200))
        #expect(!AlertSettingsCaps.exceeds(1_000, before: 1_200, after: 1_199))
        #expect(AlertSettingsCaps.exceeds(1_000, before: 1_200, after: 1_201))
    }
}
