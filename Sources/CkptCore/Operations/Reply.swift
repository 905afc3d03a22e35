/// What one call returns: the documented response body, and the service's
/// request id where there was one (the X-Request-Id of a remote call).
///
/// A backend that already holds the body as compact JSON text (a stored
/// document, a service's answer) hands the text over as it is: the text API
/// returns it without a parse and a re-serialisation, and the value is only
/// built when someone reads `body`.
package struct Reply: Sendable, Equatable {
    private enum Payload: Sendable, Equatable {
        case value(JSONValue)
        /// Compact JSON text of an object, already checked by its producer.
        case text(String)
    }

    private var payload: Payload
    package var requestId: String?

    package init(_ body: JSONValue, requestId: String? = nil) {
        payload = .value(body)
        self.requestId = requestId
    }

    /// - Parameter text: compact JSON text the caller has produced or
    ///   validated (a document the store wrote, a checked service answer).
    package init(text: String, requestId: String? = nil) {
        payload = .text(text)
        self.requestId = requestId
    }

    /// The body as a value (parsed on demand from text).
    package var body: JSONValue {
        switch payload {
        case .value(let v): return v
        case .text(let t): return (try? JSONValue.parse(t)) ?? [:]
        }
    }

    /// The body as compact JSON text, or nil if it could not be written.
    package var text: String? {
        switch payload {
        case .value(let v): return v.serialized()
        case .text(let t): return t
        }
    }

    /// The text the producer handed over, if it did.
    package var passthroughText: String? {
        if case .text(let t) = payload { return t }
        return nil
    }
}
