// Command yamlread reads YAML the way kubectl does and prints what it gets,
// so the offline validator's reader can be compared with it
// (test/validator/kube-scalars.test.ts).
//
// Input on stdin: a JSON array of file texts. Output on stdout: a JSON array
// with, for each file, either {"docs": [...]} (each document converted with
// sigs.k8s.io/yaml.YAMLToJSON after being split by the same YAML reader
// kubectl uses, k8s.io/apimachinery/pkg/util/yaml) or {"error": "..."} when
// kubectl would reject the file.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

type result struct {
	Docs  []json.RawMessage `json:"docs,omitempty"`
	Error string            `json:"error,omitempty"`
}

func read(text string) result {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader([]byte(text))))
	var out result
	out.Docs = []json.RawMessage{}
	for {
		chunk, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			return result{Error: err.Error()}
		}
		j, err := yaml.YAMLToJSON(chunk)
		if err != nil {
			return result{Error: err.Error()}
		}
		out.Docs = append(out.Docs, json.RawMessage(j))
	}
}

func main() {
	var files []string
	if err := json.NewDecoder(os.Stdin).Decode(&files); err != nil {
		fmt.Fprintln(os.Stderr, "yamlread: stdin must be a JSON array of strings:", err)
		os.Exit(2)
	}
	results := make([]result, len(files))
	for i, f := range files {
		results[i] = read(f)
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "yamlread:", err)
		os.Exit(1)
	}
}
