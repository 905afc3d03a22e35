import CkptCore

/// The embedded backend's configuration (SPEC section 2).
package struct EmbeddedConfig: Sendable, Equatable {
    package var path: String
    package var projectId: String
    package var fullDurability: Bool
    /// Simulated backup time per GB of resources (local test control).
    package var backupMsPerGB: Int64
    /// Resources whose backups end in `error` (local test control).
    package var failResources: Set<String>
    /// Added to the wall clock for the `created_at` of what this handle
    /// creates (local test control: backup histories over simulated time).
    package var clockOffsetMs: Int64

    package init(path: String, projectId: String, fullDurability: Bool = true,
                 backupMsPerGB: Int64 = 0, failResources: Set<String> = [], clockOffsetMs: Int64 = 0)
    {
        self.path = path
        self.projectId = projectId
        self.fullDurability = fullDurability
        self.backupMsPerGB = backupMsPerGB
        self.failResources = failResources
        self.clockOffsetMs = clockOffsetMs
    }
}
