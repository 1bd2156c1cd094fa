import Foundation
public import TetherCore
import TetherDomain
import TetherGeo

extension AlertRules {
    /// The rules that apply to `device` under the owner's settings.
    ///
    /// A fence whose stored shape no longer reads is left out (it was checked when it was
    /// added, so this only guards against a damaged store).
    public init(settings: AccountAlertSettings, device: DeviceID) {
        let values = settings.effectiveRules(for: device)
        let defaults = RuleSettings.defaults
        self.init(
            antiLost: AntiLostPolicy(
                allowedDistance: values.allowedDistanceMeters ?? defaults.allowedDistanceMeters!,
                dwellMilliseconds: Int64(values.dwellSeconds ?? defaults.dwellSeconds!) * 1_000
            ),
            fences: settings.fences(for: device).compactMap { record in
                (try? FenceShape.geometry(geoJSON: record.geoJSON)).map {
                    AlertFence(id: record.id, name: record.name, role: record.role, geometry: $0)
                }
            },
            doNotDisturb: settings.doNotDisturb(for: device),
            lowBatteryPercent: values.lowBatteryPercent ?? defaults.lowBatteryPercent!,
            silentAfterMilliseconds: Int64(values.silentAfterSeconds ?? defaults.silentAfterSeconds!) * 1_000
        )
    }
}
