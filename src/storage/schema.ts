/**
 * TIMESTAMP_PROTO is google/protobuf/timestamp.proto, the one message type both stored formats
 * borrow: Alertmanager's nflog.proto and silence.proto import it. Parse it into the same
 * protobufjs root before a schema that refers to `google.protobuf.Timestamp`; a message's wire
 * form does not carry its type name, so the bytes are Alertmanager's.
 */
export const TIMESTAMP_PROTO = `
syntax = "proto3";
package google.protobuf;
message Timestamp {
  int64 seconds = 1;
  int32 nanos = 2;
}
`
