import Testing
import TetherDomain

@Suite
struct TetherDomainTests {
    @Test
    func theRulesHaveAVersion() {
        #expect(TetherDomain.rulesVersion >= 1)
    }
}
