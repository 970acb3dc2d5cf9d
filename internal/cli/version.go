package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is set at link time (-ldflags "-X …/internal/cli.Version=v1.2.3");
// otherwise the module version from the build info is shown.
var Version = ""

func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of agencygraph and of the Cayley it embeds",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			v, cayley := Version, "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				if v == "" {
					v = bi.Main.Version
				}
				for _, d := range bi.Deps {
					if d.Path == "github.com/cayleygraph/cayley" {
						cayley = d.Version
					}
				}
			}
			if v == "" {
				v = "(devel)"
			}
			fmt.Fprintf(app.Stdout, "agencygraph %s (cayley %s)\n", v, cayley)
			return nil
		},
	}
}
