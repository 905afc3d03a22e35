import CCkptABI

/// The fixed CSBS provider id (seeds 002, 003): ckpt.h's CKPT_CSBS_PROVIDER_ID.
package let csbsProviderId: String = CKPT_CSBS_PROVIDER_ID

/// The `provider_id` path parameter of the v1 operations.
package enum ProviderId {
    /// `provider_id`, default the CSBS provider; any other value is CSBS.9001
    /// ("provider invalid").
    package static func read(_ f: Fields) throws(CkptError) -> String {
        guard let p = try f.uuid("provider_id") else { return csbsProviderId }
        guard p == csbsProviderId else { throw f.fail("provider_id", "provider invalid: only \(csbsProviderId) is supported") }
        return p
    }
}
