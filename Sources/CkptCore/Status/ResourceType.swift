/// The resource types the documents enumerate.
package enum ResourceType: String, Sendable, CaseIterable {
    case server = "OS::Nova::Server"
    case volume = "OS::Cinder::Volume"
    case bareMetalServer = "OS::Ironic::BareMetalServer"
}
