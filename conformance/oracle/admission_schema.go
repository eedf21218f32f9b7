package main

// Mode `admission-schema`: prints, as one JSON document, the shape of the Go types upstream's webhook decodes request
// objects into (Pod, Namespace and the pod-template-bearing kinds), so that the TypeScript decoder can reproduce
// encoding/json's type errors (`json: cannot unmarshal X into Go struct field S.path of type T`) on any field.
// Facts only (JSON field names, Go type names, kinds); `npm run` scripts turn it into src/admission/go-schema.ts.

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func init() {
	modes["admission-schema"] = runAdmissionSchema
}

// schemaField is one JSON member of a struct: [json name, type id, embedded Go field names on the way (if promoted)].
type schemaType struct {
	Kind   string     `json:"k"`
	Name   string     `json:"n"`
	Struct string     `json:"s,omitempty"`
	Elem   string     `json:"e,omitempty"`
	Fields [][]string `json:"f,omitempty"`
}

var (
	timeType     = reflect.TypeOf(metav1.Time{})
	microType    = reflect.TypeOf(metav1.MicroTime{})
	quantityType = reflect.TypeOf(resource.Quantity{})
	intstrType   = reflect.TypeOf(intstr.IntOrString{})
	rawType      = reflect.TypeOf(runtime.RawExtension{})
)

type schemaBuilder struct {
	types map[string]*schemaType
}

func (b *schemaBuilder) id(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	id := t.String()
	if t.PkgPath() != "" {
		id = t.PkgPath() + "." + t.Name()
	}
	if _, ok := b.types[id]; ok {
		return id
	}
	st := &schemaType{Name: t.String()}
	b.types[id] = st
	switch {
	case t == timeType || t == microType:
		st.Kind = "time"
	case t == quantityType:
		st.Kind = "quantity"
	case t == intstrType:
		st.Kind = "intorstring"
	case t == rawType:
		st.Kind = "raw"
	default:
		switch t.Kind() {
		case reflect.String:
			st.Kind = "string"
		case reflect.Bool:
			st.Kind = "bool"
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
			st.Kind = "int" + bitsOf(t)
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
			st.Kind = "uint" + bitsOf(t)
		case reflect.Float32, reflect.Float64:
			st.Kind = "float"
		case reflect.Slice:
			if t.Elem().Kind() == reflect.Uint8 {
				st.Kind = "bytes"
			} else {
				st.Kind = "slice"
				st.Elem = b.id(t.Elem())
			}
		case reflect.Map:
			st.Kind = "map"
			st.Elem = b.id(t.Elem())
		case reflect.Interface:
			st.Kind = "any"
		case reflect.Struct:
			st.Kind = "struct"
			st.Struct = t.Name()
			b.fields(t, st, nil)
		default:
			st.Kind = "unsupported:" + t.Kind().String()
		}
	}
	return id
}

func bitsOf(t reflect.Type) string {
	return strings.TrimPrefix(strings.TrimPrefix(t.Kind().String(), "int"), "uint")
}

func (b *schemaBuilder) fields(t reflect.Type, st *schemaType, via []string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name := strings.Split(tag, ",")[0]
		inline := strings.Contains(tag, ",inline")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && (name == "" || inline) && ft.Kind() == reflect.Struct {
			b.fields(ft, st, append(append([]string{}, via...), f.Name))
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		entry := []string{name, b.id(f.Type)}
		entry = append(entry, via...)
		st.Fields = append(st.Fields, entry)
	}
}

func runAdmissionSchema(_ []string) error {
	b := &schemaBuilder{types: map[string]*schemaType{}}
	roots := map[string]string{}
	for _, obj := range []any{
		&corev1.Pod{}, &corev1.Namespace{}, &corev1.PodTemplate{}, &corev1.ReplicationController{},
		&appsv1.ReplicaSet{}, &appsv1.Deployment{}, &appsv1.DaemonSet{}, &appsv1.StatefulSet{},
		&batchv1.Job{}, &batchv1.CronJob{},
		// What the API server sends for the pod subresources that reach pod admission (exec, attach, ...).
		&corev1.PodExecOptions{}, &corev1.PodAttachOptions{}, &corev1.PodPortForwardOptions{},
		&corev1.PodProxyOptions{}, &corev1.PodLogOptions{}, &corev1.Binding{},
	} {
		t := reflect.TypeOf(obj).Elem()
		roots[t.PkgPath()+"."+t.Name()] = b.id(t)
	}
	ids := make([]string, 0, len(b.types))
	for id := range b.types {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	enc := json.NewEncoder(os.Stdout)
	return enc.Encode(map[string]any{"roots": roots, "types": b.types})
}
