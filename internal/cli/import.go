package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/agencygraph/agencygraph/internal/refdata"
)

type importOptions struct {
	Source          string // "federalregister" or "cisa"
	File            string
	Out             string
	FederalRegister string // cisa only: the Federal Register list to match names against
}

func newImportCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import federalregister|cisa FILE",
		Short: "Convert a reference list of federal agencies into the dataset's N-Quads",
		Long: `import regenerates quads/federalregister.nq from the Federal Register's agency
list (JSON) and quads/cisa.nq from CISA's .gov list of agencies and bureaus
(CSV). The output is sorted and carries no timestamps, so the same input gives
the same bytes and a diff shows only what the list changed.`,
	}
	fr := &importOptions{Source: "federalregister"}
	frCmd := &cobra.Command{
		Use:   "federalregister FILE",
		Short: "Convert federalregister-agencies.json",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			fr.File = args[0]
			return runImport(c.Context(), app, fr)
		},
	}
	frCmd.Flags().StringVarP(&fr.Out, "output", "o", "quads/federalregister.nq", "output file, - for stdout")
	cisa := &importOptions{Source: "cisa"}
	cisaCmd := &cobra.Command{
		Use:   "cisa FILE",
		Short: "Convert cisa-dotgov-agencies-and-subs.csv, matching names to the Federal Register's list",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			cisa.File = args[0]
			if cisa.FederalRegister == "" {
				cisa.FederalRegister = filepath.Join(filepath.Dir(cisa.File), "federalregister-agencies.json")
			}
			return runImport(c.Context(), app, cisa)
		},
	}
	cisaCmd.Flags().StringVarP(&cisa.Out, "output", "o", "quads/cisa.nq", "output file, - for stdout")
	cisaCmd.Flags().StringVar(&cisa.FederalRegister, "federalregister", "", "Federal Register agency list to match names against (default: federalregister-agencies.json beside FILE)")
	cmd.AddCommand(frCmd, cisaCmd)
	return cmd
}

// runImport converts the whole input before writing anything, so a failed
// conversion leaves the previous output in place.
func runImport(_ context.Context, app *App, opts *importOptions) error {
	in, err := os.Open(opts.File)
	if err != nil {
		return err
	}
	defer in.Close()
	var buf bytes.Buffer
	if opts.Source == "cisa" {
		frIn, err := os.Open(opts.FederalRegister)
		if err != nil {
			return err
		}
		defer frIn.Close()
		err = refdata.ConvertCISA(&buf, in, filepath.Base(opts.File), frIn, filepath.Base(opts.FederalRegister))
	} else {
		err = refdata.ConvertFederalRegister(&buf, in, filepath.Base(opts.File))
	}
	if err != nil {
		return err
	}
	if opts.Out == "-" {
		_, err = app.Stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(opts.Out, buf.Bytes(), 0o644)
}
