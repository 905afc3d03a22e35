/// Which API family an operation belongs to: it picks the error-code prefix.
package enum APIFamily: Sendable {
    /// CBR v3: `BackupService.NNNN`.
    case cbr
    /// CSBS v1: `CSBS.NNNN`.
    case csbs
}
