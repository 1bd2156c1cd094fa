import Foundation
import Testing
import TetherCore
import TetherDomain

/// Properties reports and the version history they record.
struct PropertiesDerivationTests {
    @Test
    func aNewerReportOverwritesWhatItCarriesAndKeepsTheRest() {
        let before = DerivedDeviceState(
            properties: DeviceProperties(model: "TAG-1", softwareVersion: "1.0", batteryPercent: 40),
            propertiesTime: Times.at(100)
        )
        let writes = derive(
            [event(200, .properties(DeviceProperties(batteryPercent: 35, ipAddress: "10.0.0.2")))],
            state: before
        )
        #expect(
            writes.state.properties
                == DeviceProperties(model: "TAG-1", softwareVersion: "1.0", batteryPercent: 35, ipAddress: "10.0.0.2")
        )
        #expect(writes.state.propertiesTime == Times.at(200))
        #expect(writes.versionChanges.isEmpty)
    }

    @Test
    func anOlderReportOnlyFillsWhatNothingNewerReported() {
        let before = DerivedDeviceState(
            properties: DeviceProperties(batteryPercent: 40),
            propertiesTime: Times.at(200)
        )
        let older = DeviceProperties(model: "TAG-2", softwareVersion: "3.4.1", batteryPercent: 90)
        let writes = derive([event(100, .properties(older))], state: before)
        #expect(
            writes.state.properties == DeviceProperties(model: "TAG-2", softwareVersion: "3.4.1", batteryPercent: 40)
        )
        #expect(writes.state.propertiesTime == Times.at(200))
        // Filling a gap from an older report is no version change.
        #expect(writes.versionChanges.isEmpty)
    }

    @Test
    func aVersionChangeIsRecordedOncePerChange() {
        let writes = derive([
            event(10, .properties(DeviceProperties(hardwareVersion: "1.0", softwareVersion: "3.0"))),
            event(20, .properties(DeviceProperties(softwareVersion: "3.0", batteryPercent: 80))),
            event(30, .properties(DeviceProperties(batteryPercent: 70))),
            event(40, .properties(DeviceProperties(softwareVersion: "3.1"))),
            event(50, .properties(DeviceProperties(hardwareVersion: "1.0", softwareVersion: "3.1"))),
            event(60, .properties(DeviceProperties(hardwareVersion: "2.0"))),
        ])
        #expect(
            writes.versionChanges == [
                VersionChange(
                    at: Date(milliseconds: Times.at(10)),
                    hardwareVersion: "1.0",
                    softwareVersion: "3.0",
                    previousHardwareVersion: nil,
                    previousSoftwareVersion: nil
                ),
                VersionChange(
                    at: Date(milliseconds: Times.at(40)),
                    hardwareVersion: "1.0",
                    softwareVersion: "3.1",
                    previousHardwareVersion: "1.0",
                    previousSoftwareVersion: "3.0"
                ),
                VersionChange(
                    at: Date(milliseconds: Times.at(60)),
                    hardwareVersion: "2.0",
                    softwareVersion: "3.1",
                    previousHardwareVersion: "1.0",
                    previousSoftwareVersion: "3.1"
                ),
            ]
        )
        #expect(writes.state.properties.batteryPercent == 70)
    }

    @Test
    func reportsOfOneBatchApplyInDeviceTimeOrder() {
        // Sent newest first: the versions still change 3.0 → 3.1, and the newest stays.
        let writes = derive([
            event(40, .properties(DeviceProperties(softwareVersion: "3.1"))),
            event(10, .properties(DeviceProperties(softwareVersion: "3.0"))),
        ])
        #expect(writes.versionChanges.map(\.softwareVersion) == ["3.0", "3.1"])
        #expect(writes.state.properties.softwareVersion == "3.1")
        #expect(writes.events.map(\.timestamp) == [Times.at(10), Times.at(40)])
        #expect(writes.state.lastEventTime == Times.at(40))
    }
}
