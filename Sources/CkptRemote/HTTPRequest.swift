import CkptWire

/// One request, fully formed: the backend has signed it already.
package struct HTTPRequest: Sendable {
    package var method: String
    package var url: String
    package var headers: [HTTPHeader]
    package var body: [UInt8]

    package init(method: String, url: String, headers: [HTTPHeader], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
