import CkptCore

/// The `provider_id` of a backup or a task, kept as a small number.
enum ProviderKind: Int64 {
    case server = 0
    case disk = 1
    case csbs = 2

    /// CBR's provider ids by vault object type (seed 004 shows the server
    /// one), and CSBS's fixed provider.
    static let serverId = "0daac4c5-6707-4851-97ba-169e36266b66"
    static let diskId = "d1603440-187d-4516-af25-121250c7cc97"

    var id: String {
        switch self {
        case .server: return Self.serverId
        case .disk: return Self.diskId
        case .csbs: return csbsProviderId
        }
    }

    init(id: String) {
        switch id {
        case Self.diskId: self = .disk
        case csbsProviderId: self = .csbs
        default: self = .server
        }
    }
}
