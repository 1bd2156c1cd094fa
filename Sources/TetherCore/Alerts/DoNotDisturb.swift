public import Foundation

/// An owner's do-not-disturb settings: a switch, weekly quiet windows and a one-off snooze.
/// They silence every alert kind except ``AlertKind/sos``.
public struct DoNotDisturb: Sendable, Hashable {
    /// Off means nothing is silenced, whatever the windows and snooze say.
    public var isEnabled: Bool
    /// The weekly windows, by id.
    public var windows: [String: QuietWindow]
    /// Silenced until this time, if snoozed.
    public var snoozedUntil: Date?

    /// Creates settings; by default enabled with no windows and no snooze (so nothing is silenced).
    public init(isEnabled: Bool = true, windows: [String: QuietWindow] = [:], snoozedUntil: Date? = nil) {
        self.isEnabled = isEnabled
        self.windows = windows
        self.snoozedUntil = snoozedUntil
    }

    /// What silences an alert at `date`, if anything: the snooze first, then the window with the
    /// smallest id (so the answer is the same every time).
    public func silencer(at date: Date) -> Silencer? {
        guard self.isEnabled else { return nil }
        if let until = self.snoozedUntil, date < until { return .snooze(until: until) }
        let id = self.windows.keys.sorted().first { self.windows[$0]!.contains(date) }
        return id.map(Silencer.quietWindow)
    }

    /// Why an alert was silenced.
    public enum Silencer: Sendable, Hashable, CustomStringConvertible {
        /// A snooze until this time.
        case snooze(until: Date)
        /// The weekly window with this id.
        case quietWindow(String)

        /// `snooze` or `dnd:<id>`, as `suppressed_by` shows it.
        public var description: String {
            switch self {
            case .snooze: "snooze"
            case .quietWindow(let id): "dnd:\(id)"
            }
        }
    }
}
