// Command telebotoracle sends Telegram messages with telebot.v3, built from Debian's sources
// (the library and version Debian's Alertmanager 0.25 is built with), the way 0.25's
// notify/telegram/telegram.go calls it, against a local server. It reads a JSON array of
// cases on stdin and prints, for each, the request telebot sent and the error it returned.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"gopkg.in/telebot.v3"
)

type input struct {
	ChatID               int64  `json:"chatID"`
	Text                 string `json:"text"`
	ParseMode            string `json:"parseMode"`
	DisableNotifications bool   `json:"disableNotifications"`
	Token                string `json:"token"`
	// Status and Body are the server's answer.
	Status int    `json:"status"`
	Body   string `json:"body"`
}

type output struct {
	Path        string `json:"path"`
	ContentType string `json:"contentType"`
	Request     string `json:"request"`
	Error       string `json:"error"`
	// Panicked is set when 0.25's code would crash reading the answer.
	Panicked bool `json:"panicked"`
}

func run(in input) (out output) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		out.Path = r.URL.RequestURI()
		out.ContentType = r.Header.Get("Content-Type")
		out.Request = string(b)
		w.WriteHeader(in.Status)
		_, _ = io.WriteString(w, in.Body)
	}))
	defer server.Close()
	bot, err := telebot.NewBot(telebot.Settings{
		Token:     in.Token,
		URL:       server.URL,
		ParseMode: in.ParseMode,
		Client:    server.Client(),
		Offline:   true,
	})
	if err != nil {
		out.Error = err.Error()
		return out
	}
	defer func() {
		if recover() != nil {
			out.Panicked = true
		}
	}()
	message, err := bot.Send(telebot.ChatID(in.ChatID), in.Text, &telebot.SendOptions{
		DisableNotification:   in.DisableNotifications,
		DisableWebPagePreview: true,
	})
	if err != nil {
		out.Error = err.Error()
		return out
	}
	// 0.25 logs these after a successful send.
	_ = fmt.Sprint(message.ID, message.Chat.ID)
	return out
}

func main() {
	var cases []input
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	outs := make([]output, 0, len(cases))
	for _, c := range cases {
		outs = append(outs, run(c))
	}
	if err := json.NewEncoder(os.Stdout).Encode(outs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
