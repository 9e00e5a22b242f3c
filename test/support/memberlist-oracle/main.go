// Command memberlist-oracle encodes and decodes hashicorp/memberlist 0.2.2 messages with the
// struct definitions copied from its net.go (the types are unexported) and the go-msgpack
// codec and compress/lzw memberlist links, so the TypeScript codec is checked against Go's
// own bytes in both directions. Input and output are JSON; []byte fields are base64.
package main

import (
	"bytes"
	"compress/lzw"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"

	"github.com/hashicorp/go-msgpack/codec"
)

type ping struct {
	SeqNo      uint32
	Node       string
	SourceAddr []byte `codec:",omitempty"`
	SourcePort uint16 `codec:",omitempty"`
	SourceNode string `codec:",omitempty"`
}

type indirectPingReq struct {
	SeqNo      uint32
	Target     []byte
	Port       uint16
	Node       string
	Nack       bool
	SourceAddr []byte `codec:",omitempty"`
	SourcePort uint16 `codec:",omitempty"`
	SourceNode string `codec:",omitempty"`
}

type ackResp struct {
	SeqNo   uint32
	Payload []byte
}

type nackResp struct {
	SeqNo uint32
}

type suspect struct {
	Incarnation uint32
	Node        string
	From        string
}

type alive struct {
	Incarnation uint32
	Node        string
	Addr        []byte
	Port        uint16
	Meta        []byte
	Vsn         []uint8
}

type dead struct {
	Incarnation uint32
	Node        string
	From        string
}

type pushPullHeader struct {
	Nodes        int
	UserStateLen int
	Join         bool
}

type userMsgHeader struct {
	UserMsgLen int
}

type pushNodeState struct {
	Name        string
	Addr        []byte
	Port        uint16
	Meta        []byte
	Incarnation uint32
	State       uint8
	Vsn         []uint8
}

type compress struct {
	Algo uint8
	Buf  []byte
}

const (
	pingMsg         = 0
	indirectPingMsg = 1
	ackRespMsg      = 2
	suspectMsg      = 3
	aliveMsg        = 4
	deadMsg         = 5
	pushPullMsg     = 6
	compoundMsg     = 7
	userMsg         = 8
	compressMsg     = 9
	nackRespMsg     = 11
	hasCrcMsg       = 12
)

// pushPull is the oracle's JSON form of a whole push/pull stream message.
type pushPull struct {
	Join      bool
	Nodes     []pushNodeState
	UserState []byte
}

func newValue(kind string) (interface{}, byte) {
	switch kind {
	case "ping":
		return &ping{}, pingMsg
	case "indirectPing":
		return &indirectPingReq{}, indirectPingMsg
	case "ack":
		return &ackResp{}, ackRespMsg
	case "nack":
		return &nackResp{}, nackRespMsg
	case "suspect":
		return &suspect{}, suspectMsg
	case "alive":
		return &alive{}, aliveMsg
	case "dead":
		return &dead{}, deadMsg
	}
	panic("unknown kind " + kind)
}

// encode is memberlist's util.go encode.
func encode(msgType byte, in interface{}) []byte {
	buf := bytes.NewBuffer(nil)
	buf.WriteByte(msgType)
	hd := codec.MsgpackHandle{}
	if err := codec.NewEncoder(buf, &hd).Encode(in); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// compressPayload is memberlist's util.go compressPayload.
func compressPayload(inp []byte) []byte {
	var buf bytes.Buffer
	w := lzw.NewWriter(&buf, lzw.LSB, 8)
	w.Write(inp)
	w.Close()
	return encode(compressMsg, &compress{Algo: 0, Buf: buf.Bytes()})
}

// makeCompoundMessage is memberlist's util.go makeCompoundMessage.
func makeCompoundMessage(msgs [][]byte) []byte {
	buf := bytes.NewBuffer(nil)
	buf.WriteByte(uint8(compoundMsg))
	buf.WriteByte(uint8(len(msgs)))
	for _, m := range msgs {
		binary.Write(buf, binary.BigEndian, uint16(len(m)))
	}
	for _, m := range msgs {
		buf.Write(m)
	}
	return buf.Bytes()
}

func withCrc(msg []byte) []byte {
	header := make([]byte, 5, 5+len(msg))
	header[0] = hasCrcMsg
	binary.BigEndian.PutUint32(header[1:], crc32.ChecksumIEEE(msg))
	return append(header, msg...)
}

// encodePushPull is memberlist's sendLocalState after the conn deadline.
func encodePushPull(p *pushPull) []byte {
	bufConn := bytes.NewBuffer(nil)
	hd := codec.MsgpackHandle{}
	enc := codec.NewEncoder(bufConn, &hd)
	bufConn.WriteByte(pushPullMsg)
	header := pushPullHeader{Nodes: len(p.Nodes), UserStateLen: len(p.UserState), Join: p.Join}
	enc.Encode(&header)
	for i := range p.Nodes {
		enc.Encode(&p.Nodes[i])
	}
	bufConn.Write(p.UserState)
	return bufConn.Bytes()
}

// decodePushPull is memberlist's readStream + readRemoteState on an uncompressed stream.
func decodePushPull(b []byte) (*pushPull, error) {
	if len(b) == 0 || b[0] != pushPullMsg {
		return nil, fmt.Errorf("not a push/pull message")
	}
	r := bytes.NewReader(b[1:])
	hd := codec.MsgpackHandle{}
	dec := codec.NewDecoder(r, &hd)
	var header pushPullHeader
	if err := dec.Decode(&header); err != nil {
		return nil, err
	}
	p := &pushPull{Join: header.Join, Nodes: make([]pushNodeState, header.Nodes)}
	for i := 0; i < header.Nodes; i++ {
		if err := dec.Decode(&p.Nodes[i]); err != nil {
			return nil, err
		}
	}
	p.UserState = make([]byte, header.UserStateLen)
	if _, err := r.Read(p.UserState); err != nil && header.UserStateLen > 0 {
		return nil, err
	}
	return p, nil
}

type request struct {
	// Encode holds values to encode as Go does.
	Encode []struct {
		Kind   string
		Value  json.RawMessage
		Wrap   string // "", "crc", "compress", "compound" (with the next values), "stream"
		Values []struct {
			Kind  string
			Value json.RawMessage
		}
	}
	// Decode holds TypeScript encodings for Go to decode.
	Decode []struct {
		Kind string
		Hex  string
	}
}

type result struct {
	Hex   string          `json:",omitempty"`
	Value json.RawMessage `json:",omitempty"`
	Error string          `json:",omitempty"`
}

func encodeOne(kind string, raw json.RawMessage) []byte {
	switch kind {
	case "pushPull":
		var p pushPull
		if err := json.Unmarshal(raw, &p); err != nil {
			panic(err)
		}
		return encodePushPull(&p)
	case "userStream":
		var payload []byte
		if err := json.Unmarshal(raw, &payload); err != nil {
			panic(err)
		}
		// memberlist's sendUserMsg.
		buf := bytes.NewBuffer([]byte{userMsg})
		hd := codec.MsgpackHandle{}
		codec.NewEncoder(buf, &hd).Encode(&userMsgHeader{UserMsgLen: len(payload)})
		buf.Write(payload)
		return buf.Bytes()
	case "user":
		var payload []byte
		if err := json.Unmarshal(raw, &payload); err != nil {
			panic(err)
		}
		return append([]byte{userMsg}, payload...)
	}
	v, t := newValue(kind)
	if err := json.Unmarshal(raw, v); err != nil {
		panic(err)
	}
	return encode(t, v)
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		panic(err)
	}
	var out struct {
		Encoded []result
		Decoded []result
	}
	for _, e := range req.Encode {
		var b []byte
		switch e.Wrap {
		case "compound":
			parts := [][]byte{}
			for _, v := range e.Values {
				parts = append(parts, encodeOne(v.Kind, v.Value))
			}
			b = makeCompoundMessage(parts)
		default:
			b = encodeOne(e.Kind, e.Value)
		}
		switch e.Wrap {
		case "crc":
			b = withCrc(b)
		case "compress":
			b = compressPayload(b)
		}
		out.Encoded = append(out.Encoded, result{Hex: hex.EncodeToString(b)})
	}
	for _, d := range req.Decode {
		b, err := hex.DecodeString(d.Hex)
		if err != nil {
			panic(err)
		}
		var v interface{}
		var derr error
		switch d.Kind {
		case "pushPull":
			v, derr = decodePushPull(b)
		default:
			var t byte
			v, t = newValue(d.Kind)
			if len(b) == 0 || b[0] != t {
				derr = fmt.Errorf("type byte %v, want %d", b, t)
			} else {
				hd := codec.MsgpackHandle{}
				derr = codec.NewDecoder(bytes.NewReader(b[1:]), &hd).Decode(v)
			}
		}
		if derr != nil {
			out.Decoded = append(out.Decoded, result{Error: derr.Error()})
			continue
		}
		j, _ := json.Marshal(v)
		out.Decoded = append(out.Decoded, result{Value: j})
	}
	json.NewEncoder(os.Stdout).Encode(&out)
}
