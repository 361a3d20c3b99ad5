import type { RouteObject } from "react-router";

import { AppLayout } from "@/pages/app-layout";
import { NotFoundPage } from "@/pages/not-found-page";
import { ProjectPage } from "@/pages/project-page";
import { ProjectsPage } from "@/pages/projects-page";
import { ReviewPage } from "@/pages/review-page";
import { SignInPage } from "@/pages/sign-in-page";

export const routes: RouteObject[] = [
  { path: "/sign-in", element: <SignInPage /> },
  {
    element: <AppLayout />,
    children: [
      { path: "/", element: <ProjectsPage /> },
      { path: "/projects/:projectId", element: <ProjectPage /> },
      { path: "/videos/:videoId", element: <ReviewPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
