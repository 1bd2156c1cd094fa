public import TetherCore
import TetherGeo

/// The settings of the anti-lost state machine.
public struct AntiLostPolicy: Sendable, Hashable {
    /// How far the device may be from the owner's phone, in metres. Default 30.
    public var allowedDistance: Double
    /// Recovery needs the separation, accuracies added, below `allowedDistance - recoveryMargin`.
    public var recoveryMargin: Double
    /// An alert needs the device apart for this long in device time, seen at least twice…
    /// Default 60 s.
    public var dwellMilliseconds: Int64
    /// …or for this many observations in a row, whichever comes first. Default 3.
    public var observationsToConfirm: Int
    /// An owner fix older than this, next to the device's, is stale. Default 5 minutes.
    public var ownerFixMaxAgeMilliseconds: Int64

    /// Creates a policy; every value has a default.
    public init(
        allowedDistance: Double = 30,
        recoveryMargin: Double = 5,
        dwellMilliseconds: Int64 = 60_000,
        observationsToConfirm: Int = 3,
        ownerFixMaxAgeMilliseconds: Int64 = 300_000
    ) {
        self.allowedDistance = allowedDistance
        self.recoveryMargin = recoveryMargin
        self.dwellMilliseconds = dwellMilliseconds
        self.observationsToConfirm = observationsToConfirm
        self.ownerFixMaxAgeMilliseconds = ownerFixMaxAgeMilliseconds
    }
}

/// Where the anti-lost state machine stands for one device.
public enum AntiLostState: Sendable, Hashable {
    /// With its owner, or not known to be apart.
    case withOwner
    /// Seen apart `observations` times in a row since `since`; not yet an alert.
    case suspect(since: Int64, observations: Int)
    /// Apart: an alert was raised at `since`, until the device is back with its owner.
    case lost(since: Int64)
}

/// Why a device counts as lost.
public enum AntiLostReason: Sendable, Hashable, CustomStringConvertible {
    /// The fixes are this far apart (centre to centre), beyond the allowed distance even with
    /// both accuracy circles taken off.
    case separation(meters: Double)
    /// The link to the phone dropped while the phone was moving away.
    case linkLost
    /// The phone's position is unknown or stale, so the distance cannot be judged.
    case ownerLocationUnknown

    public var description: String {
        switch self {
        case .separation(let meters): "\(Int(meters.rounded())) m from the owner's phone"
        case .linkLost: "link to the owner's phone lost while the phone moved away"
        case .ownerLocationUnknown: "owner location unknown"
        }
    }
}

/// What an anti-lost decision rests on: the reason and the fixes used, with their accuracy.
public struct AntiLostEvidence: Sendable, Hashable {
    /// Device time of the observation that decided.
    public var time: Int64
    public var reason: AntiLostReason
    public var deviceFix: PositionFix?
    public var ownerFix: PositionFix?
}

/// A change the state machine reports.
public enum AntiLostDecision: Sendable, Hashable {
    /// The device is lost: raise one alert for this episode.
    case lost(AntiLostEvidence)
    /// The device is back with its owner at this device time: the episode ends.
    case recovered(at: Int64)
}

/// The anti-lost state machine of one device: with owner → suspect → lost → recovered, with
/// hysteresis so GPS jitter at the threshold does not flap.
///
/// Feed it the device's and the owner's phone's fixes and link changes in device-time order.
/// A pair of fixes counts as *apart* only when the distance minus both accuracy radii exceeds
/// the allowed distance, and as *together* only when the distance plus both radii is below the
/// allowed distance minus the recovery margin; anything between decides nothing. An alert needs
/// apart observations for the dwell time or a number in a row, so one wild fix raises nothing.
public struct AntiLostMonitor: Sendable, Hashable {
    public var policy: AntiLostPolicy
    public private(set) var state: AntiLostState = .withOwner
    public private(set) var deviceFix: PositionFix?
    public private(set) var ownerFix: PositionFix?
    private var previousOwnerFix: PositionFix?
    public private(set) var link: ConnectionState?
    /// The device fix of the last apart observation that counted, so a phone reporting more
    /// often than the device cannot count one device fix many times.
    private var lastCountedDeviceFixTime: Int64?
    /// Device time of the last apart observation; a suspicion with none for a dwell time lapses.
    private var lastApartTime: Int64?

    /// A monitor that starts with the device with its owner.
    public init(policy: AntiLostPolicy = AntiLostPolicy()) {
        self.policy = policy
    }

    /// A new fix of the device.
    public mutating func observeDevice(_ fix: PositionFix) -> AntiLostDecision? {
        self.deviceFix = fix
        return self.evaluate(at: fix.time)
    }

    /// A new fix of the owner's phone; judged against the device's last fix when that fix is
    /// at most ``AntiLostPolicy/ownerFixMaxAgeMilliseconds`` older, so a device left behind is
    /// found apart as the phone walks away even between the device's own reports.
    public mutating func observeOwner(_ fix: PositionFix) -> AntiLostDecision? {
        self.previousOwnerFix = self.ownerFix
        self.ownerFix = fix
        guard let deviceFix, fix.time - deviceFix.time <= self.policy.ownerFixMaxAgeMilliseconds else { return nil }
        return self.evaluate(at: fix.time)
    }

    /// The device's link to the phone changed.
    public mutating func observeLink(_ link: ConnectionState, at time: Int64) -> AntiLostDecision? {
        self.link = link
        switch link {
        case .connected:
            // In radio range of the phone: together.
            return self.together(at: time)
        case .disconnected:
            guard self.ownerIsMovingAway(at: time) else { return nil }
            return self.apart(at: time, reason: .linkLost)
        }
    }

    // MARK: Evaluation

    private mutating func evaluate(at time: Int64) -> AntiLostDecision? {
        guard let deviceFix else { return nil }
        guard let ownerFix, abs(time - ownerFix.time) <= self.policy.ownerFixMaxAgeMilliseconds else {
            // Without a current owner position the distance cannot be judged; say so when the
            // device is already in doubt (suspect, or its link is down) rather than guess.
            if case .suspect = self.state { return self.apart(at: time, reason: .ownerLocationUnknown) }
            if self.link == .disconnected { return self.apart(at: time, reason: .ownerLocationUnknown) }
            return nil
        }
        let distance = Earth.distance(deviceFix.position, ownerFix.position)
        let uncertainty = deviceFix.accuracy + ownerFix.accuracy
        // A device fix judged against an older phone fix: the owner may have moved since, as
        // fast as they were last seen moving. Driving together, a device fix against a phone fix
        // a minute old is not apart.
        let drift = Double(max(0, deviceFix.time - ownerFix.time)) / 1_000 * self.ownerSpeed
        if distance - uncertainty - drift > self.policy.allowedDistance {
            return self.apart(at: time, reason: .separation(meters: distance))
        }
        if distance + uncertainty < self.policy.allowedDistance - self.policy.recoveryMargin {
            return self.together(at: time)
        }
        // Inconclusive: a suspicion with no apart observation for a dwell time lapses, so wild
        // fixes far apart in time never add up to an alert.
        if case .suspect = self.state, let lastApart = self.lastApartTime,
            time - lastApart > self.policy.dwellMilliseconds
        {
            self.state = .withOwner
        }
        return nil
    }

    /// The owner's speed between their last two fixes, in metres per second (at most 70).
    private var ownerSpeed: Double {
        guard let ownerFix, let previousOwnerFix, ownerFix.time > previousOwnerFix.time else { return 0 }
        let seconds = Double(ownerFix.time - previousOwnerFix.time) / 1_000
        return min(70, Earth.distance(previousOwnerFix.position, ownerFix.position) / seconds)
    }

    private mutating func apart(at time: Int64, reason: AntiLostReason) -> AntiLostDecision? {
        if case .lost = self.state { return nil }
        // A separation seen again from the same device fix (a new phone fix) is not a new
        // observation; a link loss or an unknown owner is.
        var isNewObservation = true
        if case .separation = reason {
            isNewObservation = self.deviceFix?.time != self.lastCountedDeviceFixTime
            self.lastCountedDeviceFixTime = self.deviceFix?.time
        }
        self.lastApartTime = time
        switch self.state {
        case .lost:
            return nil
        case .withOwner:
            self.state = .suspect(since: time, observations: 1)
        case .suspect(let since, let observations):
            self.state = .suspect(since: since, observations: observations + (isNewObservation ? 1 : 0))
        }
        guard case .suspect(let since, let observations) = self.state,
            observations >= self.policy.observationsToConfirm
                || (observations >= 2 && time - since >= self.policy.dwellMilliseconds)
        else { return nil }
        self.state = .lost(since: time)
        return .lost(AntiLostEvidence(time: time, reason: reason, deviceFix: self.deviceFix, ownerFix: self.ownerFix))
    }

    private mutating func together(at time: Int64) -> AntiLostDecision? {
        defer {
            self.state = .withOwner
            self.lastCountedDeviceFixTime = nil
        }
        if case .lost = self.state { return .recovered(at: time) }
        return nil
    }

    /// Whether the phone's last two fixes moved it away from the device's last fix.
    private func ownerIsMovingAway(at time: Int64) -> Bool {
        guard let deviceFix, let ownerFix, let previousOwnerFix,
            time - ownerFix.time <= self.policy.ownerFixMaxAgeMilliseconds
        else { return false }
        let now = Earth.distance(deviceFix.position, ownerFix.position)
        let before = Earth.distance(deviceFix.position, previousOwnerFix.position)
        // More than the fixes' own uncertainty, so jitter is not "moving away".
        return now - before > ownerFix.accuracy + previousOwnerFix.accuracy
    }
}
