/// The emulator's OpenAPI 3 document, generated from the operation table:
/// every route `ckpt serve` serves, its path parameters, a list's filters
/// and paging as its query, a body where the method takes one, the
/// documented success status, and the service error body for every other
/// answer.
///
/// The request bodies are described as JSON objects only: the operation
/// table checks them in code (its schemas name the offending field), so the
/// document promises no more than "an object", and an object the checks
/// refuse is a 400 with the error body, which the document allows.
package enum OpenAPIDocument {
    package static let path = "/openapi.json"

    package static func make(version: String) -> JSONValue {
        var paths = JSONObject()
        for (op, route) in Operation.serviceRoutes {
            var item = paths[route.template]?.objectValue ?? JSONObject()
            item[route.method.rawValue.lowercased()] = .object(operation(op, route))
            paths[route.template] = .object(item)
        }
        let error: JSONValue = [
            "type": "object",
            "required": ["error_code", "error_msg"],
            "properties": [
                "error_code": ["type": "string"],
                "error_msg": ["type": "string"],
                "request_id": ["type": "string"],
            ],
        ]
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "ckpt serve: the libckpt emulator of Huawei Cloud CBR v3 and CSBS v1",
                "version": .string(version),
                "description": .string(
                    "Generated from libckpt's operation table. Errors are the service error body "
                        + "{error_code, error_msg} with the service's HTTP status."),
            ],
            "components": [
                "securitySchemes": [
                    "token": ["type": "apiKey", "in": "header", "name": "X-Auth-Token"],
                    "aksk": ["type": "apiKey", "in": "header", "name": "Authorization",
                             "description": "SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=..."],
                ],
                "schemas": ["Error": error],
            ],
            "security": [["token": []], ["aksk": []]],
            "paths": .object(paths),
        ]
    }

    static func operation(_ op: Operation, _ route: RouteTemplate) -> JSONObject {
        var o = JSONObject()
        o["operationId"] = .string(op.name)
        o["summary"] = .string(op.summary)
        o["tags"] = [.string(op.family == .cbr ? "CBR v3" : "CSBS v1")]
        var parameters: [JSONValue] = route.parameters.map(pathParameter)
        if let list = op.list { parameters += query(list) }
        o["parameters"] = .array(parameters)
        if route.method.hasBody {
            o["requestBody"] = [
                "required": true,
                "content": ["application/json": ["schema": ["type": "object"]]],
            ]
        }
        let success = op.successStatus ?? 200
        var responses = JSONObject()
        if success == 204 {
            responses["204"] = ["description": "Done; no body."]
        } else {
            var body: JSONObject = ["type": "object"]
            if let list = op.list {
                body["required"] = [.string(list.collection)]
                body["properties"] = [list.collection: ["type": "array", "items": ["type": "object"]]]
            }
            responses[String(success)] = [
                "description": .string(op.summary),
                "content": ["application/json": ["schema": .object(body)]],
            ]
        }
        responses["default"] = [
            "description": "The service error body, with the error's HTTP status.",
            "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
        ]
        o["responses"] = .object(responses)
        return o
    }

    static func pathParameter(_ name: String) -> JSONValue {
        let schema: JSONValue
        switch name {
        case RouteTemplate.projectParameter: schema = ["type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"]
        case "provider_id": schema = ["type": "string", "enum": [.string(csbsProviderId)]]  // the one CSBS serves
        default: schema = ["type": "string", "format": "uuid"]
        }
        return ["name": .string(name), "in": "path", "required": true, "schema": schema]
    }

    static func query(_ list: ListSchema) -> [JSONValue] {
        var out: [JSONValue] = []
        for f in list.filters {
            out.append(["name": .string(f.name), "in": "query", "required": false, "schema": schema(f.kind)])
        }
        for name in list.paging {
            let schema: JSONValue
            switch name {
            case "limit": schema = ["type": "integer", "minimum": 0, "maximum": .int(ListSchema.maxLimit)]
            case "offset": schema = ["type": "integer", "minimum": 0]
            case "marker": schema = ["type": "string", "format": "uuid"]
            default: schema = ["type": "string", "maxLength": .int(Int64(ListSchema.maxSortLength))]
            }
            out.append(["name": .string(name), "in": "query", "required": false, "schema": schema])
        }
        return out
    }

    static func schema(_ kind: ListSchema.Kind) -> JSONValue {
        switch kind {
        case .uuid: return ["type": "string", "format": "uuid"]
        case .string(let maxLength): return ["type": "string", "minLength": 1, "maxLength": .int(Int64(maxLength))]
        case .enumeration(let values): return ["type": "string", "enum": .array(values.map(JSONValue.string))]
        case .enumerationList(let values):
            return ["type": "array", "items": ["type": "string", "enum": .array(values.map(JSONValue.string))]]
        case .uuidList: return ["type": "array", "items": ["type": "string", "format": "uuid"]]
        case .bool: return ["type": "boolean"]
        case .time, .date, .uuidCommaList, .accepted: return ["type": "string"]
        }
    }
}
